<?xml version='1.0' encoding='utf-8'?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>NoneExplainer</name>
    <message>
        <source>backward skipped</source>
        <translation>跳过了 backward</translation>
    </message>
    <message>
        <source>accumulating batch: no optimizer step on this batch</source>
        <translation>累积批次：本批次不执行优化器步骤</translation>
    </message>
    <message>
        <source>the window's earlier gradients stay in .grad</source>
        <translation>窗口中先前批次的梯度仍保留在 .grad 中</translation>
    </message>
    <message>
        <source>zero_grad cleared the gradients; later batches of the window accumulate as usual</source>
        <translation>zero_grad 已清除梯度；窗口中后续批次照常累积</translation>
    </message>
    <message>
        <source>optimizer step still ran and global_step still advanced</source>
        <translation>优化器步骤仍然执行，global_step 仍然增加</translation>
    </message>
    <message numerus="yes">
        <source>it applied the gradients of the window's %n earlier batch(es), each scaled by 1/%1</source>
        <translation><numerusform>它应用了窗口中先前 %n 个批次的梯度，每个都乘以 1/%1</numerusform></translation>
    </message>
    <message>
        <source>grads were set to None, so the optimizer skipped every parameter: weights unchanged</source>
        <translation>梯度被设为 None，优化器跳过了所有参数：权重不变</translation>
    </message>
    <message>
        <source>with zero-filled grads %1's running averages still moved the weights</source>
        <translation>梯度被置零后，%1 的滑动平均仍然改变了权重</translation>
    </message>
    <message>
        <source>with zero-filled grads momentum and weight decay still moved the weights</source>
        <translation>梯度被置零后，动量和权重衰减仍然改变了权重</translation>
    </message>
    <message>
        <source>with zero-filled grads momentum still moved the weights</source>
        <translation>梯度被置零后，动量仍然改变了权重</translation>
    </message>
    <message>
        <source>with zero-filled grads weight decay still shrank the weights</source>
        <translation>梯度被置零后，权重衰减仍然缩小了权重</translation>
    </message>
    <message>
        <source>grads were zero-filled and the optimizer has no momentum or weight decay: weights unchanged</source>
        <translation>梯度被置零，且优化器没有动量或权重衰减：权重不变</translation>
    </message>
    <message>
        <source>update norm %1</source>
        <translation>更新范数 %1</translation>
    </message>
    <message>
        <source>; </source>
        <comment>separator between the clauses of an explanation</comment>
        <translation>；</translation>
    </message>
</context>
<context>
    <name>PipelineText</name>
    <message>
        <source>%1 ns</source>
        <translation>%1 纳秒</translation>
    </message>
    <message>
        <source>%1 µs</source>
        <translation>%1 微秒</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 毫秒</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <source>loss %1</source>
        <translation>损失 %1</translation>
    </message>
    <message>
        <source>returned None</source>
        <translation>返回了 None</translation>
    </message>
    <message>
        <source>‖g‖ %1</source>
        <translation>‖g‖ %1</translation>
    </message>
    <message>
        <source>‖Δθ‖ %1</source>
        <translation>‖Δθ‖ %1</translation>
    </message>
    <message>
        <source>, lr %1</source>
        <translation>，lr %1</translation>
    </message>
    <message>
        <source>set to None</source>
        <translation>设为 None</translation>
    </message>
    <message>
        <source>zero-filled</source>
        <translation>置零</translation>
    </message>
    <message>
        <source>clip %1 (%2)</source>
        <translation>裁剪 %1（%2）</translation>
    </message>
    <message>
        <source>loss shape [%1]</source>
        <translation>损失形状 [%1]</translation>
    </message>
    <message>
        <source>returned %1</source>
        <translation>返回了 %1</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Steps a training loop the way PyTorch Lightning's automatic optimization runs it.</source>
        <translation>按 PyTorch Lightning 自动优化的方式逐步运行训练循环。</translation>
    </message>
    <message>
        <source>A run config (.json), a TorchScript module (.pt) or a Stepwise source (.stepwise). Default: the built-in lesson.</source>
        <translation>运行配置（.json）、TorchScript 模块（.pt）或 Stepwise 源文件（.stepwise）。默认：内置课程。</translation>
    </message>
</context>
<context>
    <name>stepwise::gui::ConfigPanel</name>
    <message>
        <source>Open model</source>
        <translation>打开模型</translation>
    </message>
    <message>
        <source>Models (*.pt *.stepwise);;All files (*)</source>
        <translation>模型 (*.pt *.stepwise);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Open data</source>
        <translation>打开数据</translation>
    </message>
    <message>
        <source>Tensors saved by torch.save (*.pt *.pth);;All files (*)</source>
        <translation>torch.save 保存的张量 (*.pt *.pth);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Data</source>
        <translation>数据</translation>
    </message>
    <message>
        <source>Optimizer</source>
        <translation>优化器</translation>
    </message>
    <message>
        <source>Trainer</source>
        <translation>Trainer</translation>
    </message>
    <message>
        <source>Built-in lesson</source>
        <translation>内置课程</translation>
    </message>
    <message>
        <source>TorchScript module (.pt)</source>
        <translation>TorchScript 模块（.pt）</translation>
    </message>
    <message>
        <source>Stepwise source (.stepwise)</source>
        <translation>Stepwise 源文件（.stepwise）</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Synthetic</source>
        <translation>合成数据</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Option</source>
        <translation>选项</translation>
    </message>
    <message>
        <source>Value (empty: torch default)</source>
        <translation>值（留空：torch 默认值）</translation>
    </message>
    <message>
        <source>no limit</source>
        <translation>不限</translation>
    </message>
    <message>
        <source>default (norm)</source>
        <translation>默认（norm）</translation>
    </message>
    <message>
        <source>set to None (torch ≥ 2)</source>
        <translation>设为 None（torch ≥ 2）</translation>
    </message>
    <message>
        <source>zero-fill (torch &lt; 2)</source>
        <translation>置零（torch &lt; 2）</translation>
    </message>
    <message>
        <source>clip</source>
        <translation>裁剪</translation>
    </message>
    <message>
        <source>Revert</source>
        <translation>还原</translation>
    </message>
    <message>
        <source>Apply and reset</source>
        <translation>应用并重置</translation>
    </message>
    <message>
        <source>Validate the configuration and restart the session with it</source>
        <translation>校验配置并用它重新开始会话</translation>
    </message>
    <message>
        <source>Lesson</source>
        <translation>课程</translation>
    </message>
    <message>
        <source>Generator</source>
        <translation>生成器</translation>
    </message>
    <message>
        <source>Samples</source>
        <translation>样本数</translation>
    </message>
    <message>
        <source>Features</source>
        <translation>特征数</translation>
    </message>
    <message>
        <source>Noise</source>
        <translation>噪声</translation>
    </message>
    <message>
        <source>Data file</source>
        <translation>数据文件</translation>
    </message>
    <message>
        <source>batch_size</source>
        <translation>batch_size</translation>
    </message>
    <message>
        <source>shuffle</source>
        <translation>shuffle</translation>
    </message>
    <message>
        <source>seed</source>
        <translation>seed</translation>
    </message>
    <message>
        <source>max_epochs</source>
        <translation>max_epochs</translation>
    </message>
    <message>
        <source>max_steps</source>
        <translation>max_steps</translation>
    </message>
    <message>
        <source>accumulate_grad_batches</source>
        <translation>accumulate_grad_batches</translation>
    </message>
    <message>
        <source>gradient_clip_val</source>
        <translation>gradient_clip_val</translation>
    </message>
    <message>
        <source>gradient_clip_algorithm</source>
        <translation>gradient_clip_algorithm</translation>
    </message>
    <message>
        <source>zero_grad</source>
        <translation>zero_grad</translation>
    </message>
</context>
<context>
    <name>stepwise::gui::ExtrasView</name>
    <message>
        <source>Plot</source>
        <translation>绘图</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>键</translation>
    </message>
    <message>
        <source>Last value</source>
        <translation>最新值</translation>
    </message>
    <message>
        <source>Shape</source>
        <translation>形状</translation>
    </message>
    <message>
        <source>dtype</source>
        <translation>dtype</translation>
    </message>
    <message>
        <source>requires_grad</source>
        <translation>requires_grad</translation>
    </message>
    <message>
        <source>No extras yet. When training_step returns a dict, every key besides "loss" is an extra; Lightning passes them on undetached.</source>
        <translation>暂无额外输出。当 training_step 返回字典时，除 "loss" 以外的每个键都是额外输出；Lightning 会原样传递它们，不做 detach。</translation>
    </message>
    <message>
        <source>⚠ Extra %1 still holds an autograd graph (requires_grad or grad_fn). Lightning passes extras on without detaching them, so each batch keeps its graph alive. Return .detach() for logging.</source>
        <translation>⚠ 额外输出 %1 仍持有自动求导计算图（requires_grad 或 grad_fn）。Lightning 传递额外输出时不做 detach，因此每个批次的计算图都会被保留。用于记录时请返回 .detach()。</translation>
    </message>
    <message>
        <source>True</source>
        <translation>True</translation>
    </message>
    <message>
        <source>False</source>
        <translation>False</translation>
    </message>
</context>
<context>
    <name>stepwise::gui::LogModel</name>
    <message numerus="yes">
        <source>Run started: %n batch(es) per epoch</source>
        <translation><numerusform>运行开始：每轮 %n 个批次</numerusform></translation>
    </message>
    <message>
        <source>training_step returned None: %1</source>
        <translation>training_step 返回了 None：%1</translation>
    </message>
    <message>
        <source>Run ended: %1</source>
        <translation>运行结束：%1</translation>
    </message>
    <message>
        <source>info</source>
        <translation>信息</translation>
    </message>
    <message>
        <source>Lightning warning</source>
        <translation>Lightning 警告</translation>
    </message>
    <message>
        <source>Stepwise notice</source>
        <translation>Stepwise 提示</translation>
    </message>
    <message>
        <source>None batch</source>
        <translation>None 批次</translation>
    </message>
    <message>
        <source>error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>epoch %1, batch %2</source>
        <translation>第 %1 轮，批次 %2</translation>
    </message>
    <message>
        <source>epoch %1, batches %2–%3</source>
        <translation>第 %1 轮，批次 %2–%3</translation>
    </message>
    <message>
        <source>%1 (×%2)</source>
        <translation>%1（×%2）</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Where</source>
        <translation>位置</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>消息</translation>
    </message>
</context>
<context>
    <name>stepwise::gui::LogView</name>
    <message>
        <source>%1 Lightning warning(s) · %2 Stepwise notice(s) · %3 None batch(es) · %4 error(s)</source>
        <translation>%1 条 Lightning 警告 · %2 条 Stepwise 提示 · %3 个 None 批次 · %4 个错误</translation>
    </message>
    <message>
        <source> · %1 oldest entries dropped</source>
        <translation> · 已丢弃最早的 %1 条记录</translation>
    </message>
    <message>
        <source>Lightning warning</source>
        <translation>Lightning 警告</translation>
    </message>
    <message>
        <source>Stepwise notice</source>
        <translation>Stepwise 提示</translation>
    </message>
    <message>
        <source>None batch</source>
        <translation>None 批次</translation>
    </message>
</context>
<context>
    <name>stepwise::gui::LossPlot</name>
    <message>
        <source>Export plot</source>
        <translation>导出图表</translation>
    </message>
    <message>
        <source>PNG image…</source>
        <translation>PNG 图像…</translation>
    </message>
    <message>
        <source>PNG image (*.png)</source>
        <translation>PNG 图像 (*.png)</translation>
    </message>
    <message>
        <source>PDF document…</source>
        <translation>PDF 文档…</translation>
    </message>
    <message>
        <source>PDF document (*.pdf)</source>
        <translation>PDF 文档 (*.pdf)</translation>
    </message>
    <message>
        <source>Raw loss</source>
        <translation>原始损失</translation>
    </message>
    <message>
        <source>The loss as training_step returned it, before Lightning divides it by accumulate_grad_batches</source>
        <translation>training_step 返回的损失，即 Lightning 除以 accumulate_grad_batches 之前的值</translation>
    </message>
    <message>
        <source>x axis:</source>
        <translation>横轴：</translation>
    </message>
    <message>
        <source>batch</source>
        <translation>批次</translation>
    </message>
    <message>
        <source>global_step</source>
        <translation>global_step</translation>
    </message>
    <message>
        <source>Follow</source>
        <translation>跟随</translation>
    </message>
    <message>
        <source>Keep the newest batches in view</source>
        <translation>始终显示最新的批次</translation>
    </message>
    <message>
        <source>Reset view</source>
        <translation>重置视图</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>loss (normalised, as Lightning reports it)</source>
        <translation>损失（已归一化，即 Lightning 报告的值）</translation>
    </message>
    <message>
        <source>raw loss (as returned)</source>
        <translation>原始损失（返回值）</translation>
    </message>
    <message>
        <source>smoothed (EMA)</source>
        <translation>平滑（EMA）</translation>
    </message>
    <message>
        <source>returned None</source>
        <translation>返回了 None</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>batch (over all epochs)</source>
        <translation>批次（跨所有轮次）</translation>
    </message>
    <message>
        <source>loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>extras</source>
        <translation>额外输出</translation>
    </message>
    <message>
        <source>Smoothing %1</source>
        <translation>平滑 %1</translation>
    </message>
    <message>
        <source>extra: %1</source>
        <translation>额外输出：%1</translation>
    </message>
    <message>
        <source>shaded: accumulation windows of %1 · line: the stepping batch</source>
        <translation>阴影：每 %1 个批次的累积窗口 · 竖线：执行优化步骤的批次</translation>
    </message>
</context>
<context>
    <name>stepwise::gui::MainWindow</name>
    <message>
        <source>Export plot</source>
        <translation>导出图表</translation>
    </message>
    <message>
        <source>PNG image (*.png)</source>
        <translation>PNG 图像 (*.png)</translation>
    </message>
    <message>
        <source>PDF document (*.pdf)</source>
        <translation>PDF 文档 (*.pdf)</translation>
    </message>
    <message>
        <source>About Stepwise</source>
        <translation>关于 Stepwise</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Stepwise&lt;/h3&gt;&lt;p&gt;Steps a LibTorch training loop exactly the way PyTorch Lightning's automatic optimization runs it: one stage, one closure call, one batch at a time.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Stepwise&lt;/h3&gt;&lt;p&gt;完全按照 PyTorch Lightning 自动优化的方式逐步运行 LibTorch 训练循环：一次一个阶段、一次闭包调用、一个批次。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>epoch %1</source>
        <translation>第 %1 轮</translation>
    </message>
    <message>
        <source>batch –</source>
        <translation>批次 –</translation>
    </message>
    <message>
        <source>batch %1</source>
        <translation>批次 %1</translation>
    </message>
    <message>
        <source>global_step %1</source>
        <translation>global_step %1</translation>
    </message>
    <message>
        <source>optimizer steps %1</source>
        <translation>优化器步数 %1</translation>
    </message>
    <message>
        <source>no session</source>
        <translation>无会话</translation>
    </message>
    <message>
        <source>loading</source>
        <translation>加载中</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <source>running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <source>stepping</source>
        <translation>单步执行中</translation>
    </message>
    <message>
        <source>finished</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt;</source>
        <translation>&lt;b&gt;%1&lt;/b&gt;</translation>
    </message>
    <message>
        <source>compiled TorchScript module: no source to edit</source>
        <translation>已编译的 TorchScript 模块：没有可编辑的源代码</translation>
    </message>
    <message>
        <source>Cannot open lesson</source>
        <translation>无法打开课程</translation>
    </message>
    <message>
        <source>Cannot open %1</source>
        <translation>无法打开 %1</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <source>Stepwise files (*.json *.pt *.stepwise);;Run configs (*.json);;TorchScript modules (*.pt);;Stepwise sources (*.stepwise);;All files (*)</source>
        <translation>Stepwise 文件 (*.json *.pt *.stepwise);;运行配置 (*.json);;TorchScript 模块 (*.pt);;Stepwise 源文件 (*.stepwise);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Stepwise — Lightning automatic optimization, step by step</source>
        <translation>Stepwise — 逐步查看 Lightning 自动优化</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Open…</source>
        <translation>打开(&amp;O)…</translation>
    </message>
    <message>
        <source>&amp;Lessons</source>
        <translation>课程(&amp;L)</translation>
    </message>
    <message>
        <source>Open &amp;recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <source>Export plot as &amp;PNG…</source>
        <translation>将图表导出为 &amp;PNG…</translation>
    </message>
    <message>
        <source>Export plot as P&amp;DF…</source>
        <translation>将图表导出为 P&amp;DF…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Run</source>
        <translation>运行(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>Reset &amp;layout</source>
        <translation>重置布局(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>系统语言</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About Stepwise</source>
        <translation>关于 Stepwise(&amp;A)</translation>
    </message>
    <message>
        <source>Run controls</source>
        <translation>运行控制</translation>
    </message>
    <message>
        <source>Configuration</source>
        <translation>配置</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>源代码</translation>
    </message>
    <message>
        <source>Loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>Warnings and log</source>
        <translation>警告与日志</translation>
    </message>
    <message>
        <source>training_step output</source>
        <translation>training_step 输出</translation>
    </message>
    <message>
        <source>Extras</source>
        <translation>额外输出</translation>
    </message>
</context>
<context>
    <name>stepwise::gui::OutputInspector</name>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Shape</source>
        <translation>形状</translation>
    </message>
    <message>
        <source>dtype</source>
        <translation>dtype</translation>
    </message>
    <message>
        <source>requires_grad</source>
        <translation>requires_grad</translation>
    </message>
    <message>
        <source>grad_fn</source>
        <translation>grad_fn</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <source>&lt;b&gt;training_step&lt;/b&gt; has not returned yet</source>
        <translation>&lt;b&gt;training_step&lt;/b&gt; 尚未返回</translation>
    </message>
    <message>
        <source>&lt;b&gt;training_step&lt;/b&gt; returned at epoch %1, batch %2</source>
        <translation>&lt;b&gt;training_step&lt;/b&gt; 在第 %1 轮、批次 %2 返回</translation>
    </message>
    <message>
        <source> (closure evaluation %1)</source>
        <translation>（第 %1 次闭包求值）</translation>
    </message>
    <message>
        <source>Lightning classified it as: &lt;b&gt;%1&lt;/b&gt;</source>
        <translation>Lightning 将其归类为：&lt;b&gt;%1&lt;/b&gt;</translation>
    </message>
    <message>
        <source>True</source>
        <translation>True</translation>
    </message>
    <message>
        <source>False</source>
        <translation>False</translation>
    </message>
    <message>
        <source>returned</source>
        <translation>返回值</translation>
    </message>
    <message>
        <source>the loss: Lightning divides it by N and calls backward on it</source>
        <translation>损失：Lightning 将其除以 N 并对其调用 backward</translation>
    </message>
    <message>
        <source>an extra: passed on to on_train_batch_end undetached</source>
        <translation>额外输出：不做 detach 直接传给 on_train_batch_end</translation>
    </message>
</context>
<context>
    <name>stepwise::gui::PipelineView</name>
    <message>
        <source>hook: a new batch begins</source>
        <translation>钩子：新批次开始</translation>
    </message>
    <message>
        <source>the optimizer calls the closure</source>
        <translation>优化器调用闭包</translation>
    </message>
    <message>
        <source>your training_step: forward pass and loss</source>
        <translation>你的 training_step：前向传播与损失</translation>
    </message>
    <message>
        <source>hook, first batch of a window only</source>
        <translation>钩子，仅在窗口的第一个批次</translation>
    </message>
    <message>
        <source>clear .grad — after the forward pass</source>
        <translation>清除 .grad — 在前向传播之后</translation>
    </message>
    <message>
        <source>hook, only when there is a loss</source>
        <translation>钩子，仅在有损失时</translation>
    </message>
    <message>
        <source>loss.backward(): gradients accumulate</source>
        <translation>loss.backward()：梯度累积</translation>
    </message>
    <message>
        <source>hook: gradients are ready</source>
        <translation>钩子：梯度已就绪</translation>
    </message>
    <message>
        <source>hook, after every closure evaluation</source>
        <translation>钩子，每次闭包求值之后</translation>
    </message>
    <message>
        <source>clip gradients (after every evaluation)</source>
        <translation>裁剪梯度（每次求值之后）</translation>
    </message>
    <message>
        <source>hook: outputs = {"loss": loss / N}</source>
        <translation>钩子：outputs = {"loss": loss / N}</translation>
    </message>
    <message>
        <source>parameter update</source>
        <translation>参数更新</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>skipped</source>
        <translation>已跳过</translation>
    </message>
    <message>
        <source>torch applies the step to the parameters</source>
        <translation>torch 将更新应用到参数</translation>
    </message>
    <message>
        <source>held here</source>
        <translation>停在此处</translation>
    </message>
    <message>
        <source>Run ended (%1)</source>
        <translation>运行结束（%1）</translation>
    </message>
    <message>
        <source>Ready: no batch has started</source>
        <translation>就绪：尚未开始任何批次</translation>
    </message>
    <message>
        <source>Epoch %1 · batch %2 of %3</source>
        <translation>第 %1 轮 · 批次 %2 / %3</translation>
    </message>
    <message>
        <source>Epoch %1 · batch %2</source>
        <translation>第 %1 轮 · 批次 %2</translation>
    </message>
    <message>
        <source>batch %1 of %2, stepping</source>
        <translation>窗口内第 %1/%2 个批次，执行优化步骤</translation>
    </message>
    <message>
        <source>batch %1 of %2, accumulating</source>
        <translation>窗口内第 %1/%2 个批次，累积中</translation>
    </message>
    <message>
        <source>N = 1, every batch steps</source>
        <translation>N = 1，每个批次都执行优化步骤</translation>
    </message>
    <message>
        <source>closure evaluation %1 of this optimizer step</source>
        <translation>本次优化器步骤的第 %1 次闭包求值</translation>
    </message>
    <message>
        <source>closure call %1</source>
        <translation>第 %1 次闭包调用</translation>
    </message>
    <message>
        <source>global_step %1</source>
        <translation>global_step %1</translation>
    </message>
    <message>
        <source>run %1</source>
        <translation>运行 %1</translation>
    </message>
    <message>
        <source>batch %1</source>
        <translation>批次 %1</translation>
    </message>
    <message>
        <source>batch</source>
        <translation>批次</translation>
    </message>
    <message>
        <source>training_epoch_loop → automatic optimization</source>
        <translation>training_epoch_loop → 自动优化</translation>
    </message>
    <message>
        <source>held here: about to call the optimizer</source>
        <translation>停在此处：即将调用优化器</translation>
    </message>
    <message>
        <source>the optimizer is running the closure</source>
        <translation>优化器正在运行闭包</translation>
    </message>
    <message>
        <source>evaluation %1</source>
        <translation>第 %1 次求值</translation>
    </message>
    <message>
        <source>called directly by the loop (accumulating)</source>
        <translation>由循环直接调用（累积中）</translation>
    </message>
    <message>
        <source>not called on this batch</source>
        <translation>本批次未调用</translation>
    </message>
    <message>
        <source>not reached: optimizer.step raised</source>
        <translation>未执行：optimizer.step 抛出了异常</translation>
    </message>
    <message numerus="yes">
        <source>inside step(): %n closure evaluation(s) so far; it counts as one step</source>
        <translation><numerusform>step() 内部：目前已求值闭包 %n 次；仍只算一步</numerusform></translation>
    </message>
</context>
<context>
    <name>stepwise::gui::RunActions</name>
    <message>
        <source>full speed</source>
        <translation>全速</translation>
    </message>
    <message>
        <source>%1 ms/stage</source>
        <translation>%1 毫秒/阶段</translation>
    </message>
    <message>
        <source>Step &amp;stage</source>
        <translation>单步阶段(&amp;S)</translation>
    </message>
    <message>
        <source>Run to the next stage boundary (F11)</source>
        <translation>运行到下一个阶段边界（F11）</translation>
    </message>
    <message>
        <source>Step &amp;closure call</source>
        <translation>单步闭包调用(&amp;C)</translation>
    </message>
    <message>
        <source>Run to the next closure call: the next training_step, or the batch's end (F10)</source>
        <translation>运行到下一次闭包调用：下一个 training_step，或批次结束（F10）</translation>
    </message>
    <message>
        <source>Step &amp;batch</source>
        <translation>单步批次(&amp;B)</translation>
    </message>
    <message>
        <source>Run to the start of the next batch (Shift+F11)</source>
        <translation>运行到下一个批次的开始（Shift+F11）</translation>
    </message>
    <message>
        <source>Step &amp;epoch</source>
        <translation>单步轮次(&amp;E)</translation>
    </message>
    <message>
        <source>Run to the first batch of the next epoch</source>
        <translation>运行到下一轮的第一个批次</translation>
    </message>
    <message>
        <source>&amp;Run / Continue</source>
        <translation>运行/继续(&amp;R)</translation>
    </message>
    <message>
        <source>Run on, with the delay per stage set by the speed control (F5)</source>
        <translation>继续运行，每个阶段的延迟由速度控制决定（F5）</translation>
    </message>
    <message>
        <source>&amp;Pause</source>
        <translation>暂停(&amp;P)</translation>
    </message>
    <message>
        <source>Hold at the next stage boundary (F6)</source>
        <translation>在下一个阶段边界暂停（F6）</translation>
    </message>
    <message>
        <source>S&amp;top</source>
        <translation>停止(&amp;T)</translation>
    </message>
    <message>
        <source>End the run; the state stays inspectable (Shift+F5)</source>
        <translation>结束运行；状态仍可查看（Shift+F5）</translation>
    </message>
    <message>
        <source>R&amp;eset</source>
        <translation>重置(&amp;E)</translation>
    </message>
    <message>
        <source>Start the same configuration again from the beginning (Ctrl+R)</source>
        <translation>用相同配置从头开始（Ctrl+R）</translation>
    </message>
    <message>
        <source>Delay:</source>
        <translation>延迟：</translation>
    </message>
    <message>
        <source>Delay per stage while running; leftmost is full speed</source>
        <translation>运行时每个阶段的延迟；最左侧为全速</translation>
    </message>
</context>
<context>
    <name>stepwise::gui::SourceEditor</name>
    <message>
        <source>Save source</source>
        <translation>保存源代码</translation>
    </message>
    <message>
        <source>Stepwise source (*.stepwise)</source>
        <translation>Stepwise 源文件 (*.stepwise)</translation>
    </message>
    <message>
        <source>Open…</source>
        <translation>打开…</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Run this source</source>
        <translation>运行此源代码</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt;%2</source>
        <translation>&lt;b&gt;%1&lt;/b&gt;%2</translation>
    </message>
    <message>
        <source> (modified)</source>
        <translation>（已修改）</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <source>Open source</source>
        <translation>打开源代码</translation>
    </message>
    <message>
        <source>Stepwise source (*.stepwise);;All files (*)</source>
        <translation>Stepwise 源文件 (*.stepwise);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Restart the session with this text as the model (the file is not saved)</source>
        <translation>以此文本作为模型重新开始会话（不会保存文件）</translation>
    </message>
</context>
</TS>