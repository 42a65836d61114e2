<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>ConfigPanel</name>
    <message>
        <location filename="../gui/views/config_panel.cpp" line="82"/>
        <location filename="../gui/views/config_panel.cpp" line="84"/>
        <source>not set</source>
        <translation>未设置</translation>
    </message>
    <message>
        <location filename="../gui/views/config_panel.cpp" line="83"/>
        <location filename="../gui/views/config_panel.cpp" line="84"/>
        <source>no limit</source>
        <translation>无限制</translation>
    </message>
</context>
<context>
    <name>EngineText</name>
    <message>
        <location filename="../gui/text/text_tr.cpp" line="24"/>
        <source>zero_grad skipped: batch %1 is not the first of its accumulation cycle (batch %2 of %3 in its accumulation cycle)</source>
        <translation>zero_grad 被跳过：批次 %1 不是其累积周期的第一个批次（累积周期中的第 %2 / %3 个批次）</translation>
    </message>
    <message>
        <location filename="../gui/text/text_tr.cpp" line="29"/>
        <source>optimizer.step skipped: accumulating, batch %1 of %2 in its accumulation cycle; the loop calls the closure directly</source>
        <translation>optimizer.step 被跳过：正在累积，累积周期中的第 %1 / %2 个批次；循环直接调用闭包</translation>
    </message>
    <message>
        <location filename="../gui/text/text_tr.cpp" line="34"/>
        <source>on_before_optimizer_step skipped: no optimizer step on an accumulating batch</source>
        <translation>on_before_optimizer_step 被跳过：累积批次上没有优化器步</translation>
    </message>
    <message>
        <location filename="../gui/text/text_tr.cpp" line="37"/>
        <source>gradient clipping skipped: no optimizer step on an accumulating batch</source>
        <translation>梯度裁剪被跳过：累积批次上没有优化器步</translation>
    </message>
    <message>
        <location filename="../gui/text/text_tr.cpp" line="40"/>
        <source>backward skipped: backward is being skipped for this batch</source>
        <translation>backward 被跳过：该批次的 backward 被设为跳过</translation>
    </message>
    <message>
        <location filename="../gui/text/text_tr.cpp" line="42"/>
        <source>backward skipped: training_step returned None</source>
        <translation>backward 被跳过：training_step 返回了 None</translation>
    </message>
    <message>
        <location filename="../gui/text/text_tr.cpp" line="43"/>
        <source>stopped by request</source>
        <translation>应请求停止</translation>
    </message>
    <message>
        <location filename="../gui/text/text_tr.cpp" line="45"/>
        <source>on_train_batch_start returned -1 at epoch %1, batch %2: Lightning ends the epoch there, before the batch trains</source>
        <translation>on_train_batch_start 在第 %1 轮、批次 %2 返回了 -1：Lightning 在此结束该轮，该批次不再训练</translation>
    </message>
    <message>
        <location filename="../gui/text/text_tr.cpp" line="50"/>
        <source>training_step returned a non-finite loss (%1) at epoch %2, batch %3; Lightning does not check it and backpropagates it as is</source>
        <translation>training_step 在第 %2 轮、批次 %3 返回了非有限损失（%1）；Lightning 不做检查，照常对它反向传播</translation>
    </message>
    <message>
        <location filename="../gui/text/text_tr.cpp" line="56"/>
        <source>the extra &apos;%1&apos; returned by training_step still holds an autograd graph (%2); Lightning passes extras on undetached, so the graph stays alive until on_train_batch_end has run. Return it .detach()ed unless you need it.</source>
        <translation>training_step 返回的额外项 &apos;%1&apos; 仍持有 autograd 计算图（%2）；Lightning 不 detach 就传递额外项，因此计算图会一直存活到 on_train_batch_end 运行完毕。除非确实需要，请返回 .detach() 之后的值。</translation>
    </message>
    <message>
        <location filename="../gui/text/text_tr.cpp" line="68"/>
        <source>dict without a &apos;loss&apos;: MisconfigurationException</source>
        <translation>不含 &apos;loss&apos; 的字典：MisconfigurationException</translation>
    </message>
    <message>
        <location filename="../gui/text/text_tr.cpp" line="76"/>
        <source>lr_scheduler.step skipped: accumulating; an interval &quot;step&quot; scheduler steps only after an optimizer step</source>
        <translation>lr_scheduler.step 已跳过：正在累积；interval 为 &quot;step&quot; 的调度器只在优化器步进之后才步进</translation>
    </message>
    <message>
        <location filename="../gui/text/text_tr.cpp" line="81"/>
        <source>lr_scheduler.step skipped: interval &quot;step&quot;, frequency %2, and batch %1 + 1 is not a multiple of %2</source>
        <translation>lr_scheduler.step 已跳过：interval 为 &quot;step&quot;，frequency 为 %2，而批次 %1 + 1 不是 %2 的倍数</translation>
    </message>
    <message>
        <location filename="../gui/text/text_tr.cpp" line="87"/>
        <source>lr_scheduler.step skipped: interval &quot;epoch&quot;, frequency %2, and epoch %1 + 1 is not a multiple of %2</source>
        <translation>lr_scheduler.step 已跳过：interval 为 &quot;epoch&quot;，frequency 为 %2，而轮次 %1 + 1 不是 %2 的倍数</translation>
    </message>
    <message>
        <location filename="../gui/text/text_tr.cpp" line="93"/>
        <source>lr_scheduler.step skipped: interval &quot;epoch&quot;; it steps after the epoch&apos;s last batch</source>
        <translation>lr_scheduler.step 已跳过：interval 为 &quot;epoch&quot;；它在本轮最后一个批次之后才步进</translation>
    </message>
    <message>
        <location filename="../gui/text/text_tr.cpp" line="97"/>
        <source>every .grad was None, so the optimizer skipped every parameter (‖Δθ‖ %1)</source>
        <translation>每个 .grad 都是 None，所以优化器跳过了所有参数（‖Δθ‖ %1）</translation>
    </message>
    <message>
        <location filename="../gui/text/text_tr.cpp" line="102"/>
        <source>.grad still held the gradients of the cycle&apos;s earlier batches, and the step applied them (‖Δθ‖ %1)</source>
        <translation>.grad 中仍保留着累积周期内之前批次的梯度，这一步应用了它们（‖Δθ‖ %1）</translation>
    </message>
    <message>
        <location filename="../gui/text/text_tr.cpp" line="106"/>
        <source>the grads were zero-filled, yet the weights moved (‖Δθ‖ %1): the optimizer holds %2</source>
        <translation>梯度已被填零，但权重仍然移动了（‖Δθ‖ %1）：优化器中有 %2</translation>
    </message>
    <message>
        <location filename="../gui/text/text_tr.cpp" line="111"/>
        <source>the grads were zero-filled and the weights did not move; the optimizer holds %1</source>
        <translation>梯度已被填零，权重没有移动；优化器中有 %1</translation>
    </message>
    <message>
        <location filename="../gui/text/text_tr.cpp" line="116"/>
        <source>the grads were zero-filled and the weights did not move; the optimizer holds nothing that is not zero</source>
        <translation>梯度已被填零，权重没有移动；优化器中没有任何非零的状态</translation>
    </message>
    <message>
        <location filename="../gui/text/text_tr.cpp" line="120"/>
        <source>breakpoint %1 (%2) hit</source>
        <translation>断点 %1（%2）命中</translation>
    </message>
    <message>
        <location filename="../gui/text/text_tr.cpp" line="122"/>
        <source>breakpoint %1 (%2) hit: %3 = %4</source>
        <translation>断点 %1（%2）命中：%3 = %4</translation>
    </message>
    <message>
        <location filename="../gui/text/text_tr.cpp" line="125"/>
        <source>went back to epoch %1, batch %2, before %3; what follows is recomputed</source>
        <translation>已回退到第 %1 轮、批次 %2，位于 %3 之前；之后的内容将重新计算</translation>
    </message>
    <message>
        <location filename="../gui/text/text_tr.cpp" line="129"/>
        <source>cannot go back: this is the run&apos;s first stage</source>
        <translation>无法回退：这是本次运行的第一个阶段</translation>
    </message>
    <message>
        <location filename="../gui/text/text_tr.cpp" line="131"/>
        <source>cannot go back to a breakpoint hit: none held the run before this point</source>
        <translation>无法回退到断点命中处：此前没有断点暂停过运行</translation>
    </message>
    <message>
        <location filename="../gui/text/text_tr.cpp" line="134"/>
        <source>cannot go back to batch %1: the run is at batch %2</source>
        <translation>无法回退到批次 %1：运行当前位于批次 %2</translation>
    </message>
    <message>
        <location filename="../gui/text/text_tr.cpp" line="137"/>
        <source>cannot go back: one snapshot of this run takes %2 MB, more than the snapshot budget of %1 MB (rewind.budget_mb)</source>
        <translation>无法回退：本次运行的一个快照需要 %2 MB，超过了 %1 MB 的快照预算（rewind.budget_mb）</translation>
    </message>
    <message>
        <location filename="../gui/text/text_tr.cpp" line="142"/>
        <source>cannot go back: the run has ended</source>
        <translation>无法回退：运行已结束</translation>
    </message>
    <message>
        <location filename="../gui/text/text_tr.cpp" line="144"/>
        <source>cannot go back: this run keeps no snapshots of its training state</source>
        <translation>无法回退：此运行不保存训练状态的快照</translation>
    </message>
    <message>
        <location filename="../gui/text/text_tr.cpp" line="147"/>
        <source>going back put back all but %1: Stepwise could not copy them, so they stay as the later batches left them</source>
        <translation>回退已恢复除 %1 之外的全部状态：Stepwise 无法复制它们，它们保持后续批次留下的样子</translation>
    </message>
    <message>
        <location filename="../gui/text/text_tr.cpp" line="152"/>
        <source>not what Lightning does: this run departs from Lightning&apos;s automatic optimization on purpose (%1)</source>
        <translation>不是 Lightning 的做法：本运行有意偏离 Lightning 的自动优化（%1）</translation>
    </message>
    <message>
        <location filename="../gui/text/text_tr.cpp" line="157"/>
        <source>zero_grad skipped: not what Lightning does (skip_zero_grad); .grad keeps what earlier batches added</source>
        <translation>zero_grad 被跳过：不是 Lightning 的做法（skip_zero_grad）；.grad 保留之前批次累加的内容</translation>
    </message>
    <message>
        <location filename="../gui/text/text_tr.cpp" line="161"/>
        <source>forked from run A at epoch %1, batch %2, before %3, with %4; everything before this batch is run A&apos;s</source>
        <translation>从运行 A 的第 %1 轮、批次 %2、%3 之前分叉，改动：%4；此批次之前的一切都来自运行 A</translation>
    </message>
    <message>
        <location filename="../gui/text/text_tr.cpp" line="171"/>
        <source>finished</source>
        <translation>完成</translation>
    </message>
    <message>
        <location filename="../gui/text/text_tr.cpp" line="172"/>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <location filename="../gui/text/text_tr.cpp" line="173"/>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../gui/text/text_tr.cpp" line="64"/>
        <source>dict with &apos;loss&apos; and 1 extra: loss / N is backpropagated</source>
        <translation>含 &apos;loss&apos; 和 1 个额外项的字典：对 loss / N 反向传播</translation>
    </message>
    <message>
        <location filename="../gui/text/text_tr.cpp" line="65"/>
        <source>dict with &apos;loss&apos; and %1 extras: loss / N is backpropagated</source>
        <translation>含 &apos;loss&apos; 和 %1 个额外项的字典：对 loss / N 反向传播</translation>
    </message>
    <message>
        <location filename="../gui/text/text_tr.cpp" line="61"/>
        <source>loss tensor: loss / N is backpropagated</source>
        <translation>损失张量：对 loss / N 反向传播</translation>
    </message>
    <message>
        <location filename="../gui/text/text_tr.cpp" line="70"/>
        <source>None: backward is skipped, the optimizer step still runs</source>
        <translation>None：跳过 backward，优化器步仍然执行</translation>
    </message>
    <message>
        <location filename="../gui/text/text_tr.cpp" line="72"/>
        <source>%1: MisconfigurationException (must be a Tensor, a dict, or None)</source>
        <translation>%1：MisconfigurationException（必须是 Tensor、dict 或 None）</translation>
    </message>
</context>
<context>
    <name>Lessons</name>
    <message>
        <location filename="../gui/text/lesson_texts.cpp" line="12"/>
        <source>training_step returns the loss tensor</source>
        <translation>training_step 返回损失张量</translation>
    </message>
    <message>
        <location filename="../gui/text/lesson_texts.cpp" line="13"/>
        <source>The plain case. On every batch Lightning calls optimizer.step(closure), and the optimizer runs the closure: training_step, then zero_grad (after the forward pass!), then backward; then on_before_optimizer_step and gradient clipping, then the update. Step stage by stage and watch training_step run inside optimizer_step.</source>
        <translation>最简单的情形。每个批次 Lightning 都调用 optimizer.step(closure)，由优化器运行闭包：先 training_step，再 zero_grad（在前向传播之后！），然后 backward；接着是 on_before_optimizer_step 和梯度裁剪，最后更新参数。逐阶段单步执行，观察 training_step 如何在 optimizer_step 内部运行。</translation>
    </message>
    <message>
        <location filename="../gui/text/lesson_texts.cpp" line="21"/>
        <source>training_step returns a dict with extras</source>
        <translation>training_step 返回带额外项的字典</translation>
    </message>
    <message>
        <location filename="../gui/text/lesson_texts.cpp" line="22"/>
        <source>A dict with &quot;loss&quot; and extra entries. Lightning backpropagates dict[&quot;loss&quot;] / N and passes the other entries on to on_train_batch_end as they are (not detached, not copied).</source>
        <translation>一个含 &quot;loss&quot; 和额外条目的字典。Lightning 对 dict[&quot;loss&quot;] / N 做反向传播，其余条目原样传给 on_train_batch_end（不 detach，也不复制）。</translation>
    </message>
    <message>
        <location filename="../gui/text/lesson_texts.cpp" line="28"/>
        <source>training_step returns None on some batches</source>
        <translation>training_step 在部分批次返回 None</translation>
    </message>
    <message>
        <location filename="../gui/text/lesson_texts.cpp" line="29"/>
        <source>Every third batch returns None. Lightning warns once per process, skips backward, but still runs optimizer.step, the clipping hooks and counts global_step. With grads set to None the weights stay put on those batches.</source>
        <translation>每三个批次中有一个返回 None。Lightning 每个进程只警告一次，跳过 backward，但仍然运行 optimizer.step 和裁剪钩子，并计入 global_step。梯度被设为 None 时，这些批次上的权重保持不变。</translation>
    </message>
    <message>
        <location filename="../gui/text/lesson_texts.cpp" line="34"/>
        <source>a dict without &quot;loss&quot;</source>
        <translation>不含 &quot;loss&quot; 的字典</translation>
    </message>
    <message>
        <location filename="../gui/text/lesson_texts.cpp" line="35"/>
        <source>training_step returns a dict with no &quot;loss&quot; key. Lightning raises a MisconfigurationException at the first batch, right after training_step, before zero_grad and backward.</source>
        <translation>training_step 返回的字典没有 &quot;loss&quot; 键。Lightning 在第一个批次、紧接 training_step 之后（zero_grad 和 backward 之前）抛出 MisconfigurationException。</translation>
    </message>
    <message>
        <location filename="../gui/text/lesson_texts.cpp" line="41"/>
        <source>gradient accumulation: 3 batches over 10</source>
        <translation>梯度累积：10 个批次，每 3 个累积一次</translation>
    </message>
    <message>
        <location filename="../gui/text/lesson_texts.cpp" line="42"/>
        <source>accumulate_grad_batches=3 over 10 batches. Batches 0,1 and 3,4 and 6,7 call the closure directly (no optimizer step); 2, 5, 8 step; the last batch (9) always steps, with its short cycle still divided by 3. zero_grad runs only on the first batch of each cycle.</source>
        <translation>accumulate_grad_batches=3，共 10 个批次。批次 0、1，3、4 和 6、7 直接调用闭包（不执行优化器步）；批次 2、5、8 执行优化器步；最后一个批次（9）总会执行优化器步，它较短的周期仍然除以 3。zero_grad 只在每个周期的第一个批次运行。</translation>
    </message>
    <message>
        <location filename="../gui/text/lesson_texts.cpp" line="49"/>
        <source>LBFGS: the optimizer calls the closure many times</source>
        <translation>LBFGS：优化器多次调用闭包</translation>
    </message>
    <message>
        <location filename="../gui/text/lesson_texts.cpp" line="50"/>
        <source>LBFGS evaluates the closure several times inside one optimizer.step. Each evaluation runs training_step, zero_grad, backward, on_before_optimizer_step and clipping; optimizer_step and global_step count once.</source>
        <translation>LBFGS 在一次 optimizer.step 中多次求值闭包。每次求值都会运行 training_step、zero_grad、backward、on_before_optimizer_step 和裁剪；optimizer_step 和 global_step 只计一次。</translation>
    </message>
    <message>
        <location filename="../gui/text/lesson_texts.cpp" line="56"/>
        <source>gradient clipping by norm</source>
        <translation>按范数裁剪梯度</translation>
    </message>
    <message>
        <location filename="../gui/text/lesson_texts.cpp" line="57"/>
        <source>gradient_clip_val=0.5 with the norm algorithm. Clipping runs inside the closure wrapper after on_before_optimizer_step, on stepping batches only; compare the gradient norm after backward with the norm after clipping.</source>
        <translation>gradient_clip_val=0.5，使用范数算法。裁剪在闭包包装器内、on_before_optimizer_step 之后运行，且只在执行优化器步的批次上；请比较 backward 之后与裁剪之后的梯度范数。</translation>
    </message>
    <message>
        <location filename="../gui/text/lesson_texts.cpp" line="63"/>
        <source>None batches with zero-filled grads and momentum</source>
        <translation>梯度以零填充且带动量时的 None 批次</translation>
    </message>
    <message>
        <location filename="../gui/text/lesson_texts.cpp" line="64"/>
        <source>Every other batch returns None and zero_grad fills zeros (torch &lt; 2, or set_to_none=False). The optimizer still steps on None batches: momentum and weight decay move the weights although no gradient was computed.</source>
        <translation>每隔一个批次返回 None，且 zero_grad 以零填充（torch &lt; 2，或 set_to_none=False）。优化器在 None 批次上仍然执行一步：尽管没有计算梯度，动量和权重衰减仍会移动权重。</translation>
    </message>
    <message>
        <location filename="../gui/text/lesson_texts.cpp" line="69"/>
        <source>None batches with grads set to None and momentum</source>
        <translation>梯度设为 None 且带动量时的 None 批次</translation>
    </message>
    <message>
        <location filename="../gui/text/lesson_texts.cpp" line="70"/>
        <source>The same run with zero_grad(set_to_none=True), Lightning&apos;s default on torch &gt;= 2: on None batches the grads are None, SGD skips every parameter, and the update norm is exactly 0.</source>
        <translation>同样的运行，但使用 zero_grad(set_to_none=True)，即 torch &gt;= 2 上 Lightning 的默认设置：None 批次上梯度为 None，SGD 跳过所有参数，更新范数恰好为 0。</translation>
    </message>
    <message>
        <location filename="../gui/text/lesson_texts.cpp" line="76"/>
        <source>a non-scalar loss</source>
        <translation>非标量损失</translation>
    </message>
    <message>
        <location filename="../gui/text/lesson_texts.cpp" line="77"/>
        <source>training_step returns per-sample errors instead of their mean. Lightning does not check the loss; autograd refuses it inside backward, after training_step and zero_grad have run.</source>
        <translation>training_step 返回逐样本误差而不是它们的均值。Lightning 不检查损失；autograd 在 backward 中拒绝它，此时 training_step 和 zero_grad 已经运行。</translation>
    </message>
    <message>
        <location filename="../gui/text/lesson_texts.cpp" line="83"/>
        <source>a detached loss</source>
        <translation>已 detach 的损失</translation>
    </message>
    <message>
        <location filename="../gui/text/lesson_texts.cpp" line="84"/>
        <source>training_step returns loss.detach(). Lightning passes it on; autograd fails in backward because nothing requires grad.</source>
        <translation>training_step 返回 loss.detach()。Lightning 照常传递；由于没有任何张量需要梯度，autograd 在 backward 中失败。</translation>
    </message>
    <message>
        <location filename="../gui/text/lesson_texts.cpp" line="89"/>
        <source>a NaN loss</source>
        <translation>NaN 损失</translation>
    </message>
    <message>
        <location filename="../gui/text/lesson_texts.cpp" line="90"/>
        <source>Batch 3 returns NaN. Lightning does not check: backward and the optimizer step run and every weight becomes NaN. Stepwise flags the batch.</source>
        <translation>批次 3 返回 NaN。Lightning 不做检查：backward 和优化器步照常运行，所有权重都变为 NaN。Stepwise 会标记该批次。</translation>
    </message>
    <message>
        <location filename="../gui/text/lesson_texts.cpp" line="95"/>
        <source>an extra that still holds the graph</source>
        <translation>仍持有计算图的额外项</translation>
    </message>
    <message>
        <location filename="../gui/text/lesson_texts.cpp" line="96"/>
        <source>training_step returns the predictions undetached as an extra. Lightning passes extras on as they are, so the autograd graph stays alive until on_train_batch_end.</source>
        <translation>training_step 把未 detach 的预测值作为额外项返回。Lightning 原样传递额外项，因此 autograd 计算图一直存活到 on_train_batch_end。</translation>
    </message>
    <message>
        <location filename="../gui/text/lesson_texts.cpp" line="102"/>
        <source>a small MLP on a two-class spiral (Adam)</source>
        <translation>在双类螺旋数据上训练的小型 MLP（Adam）</translation>
    </message>
    <message>
        <location filename="../gui/text/lesson_texts.cpp" line="103"/>
        <source>A 2-16-1 MLP learns a spiral with Adam. A longer run to watch the loss curve and the accuracy extra.</source>
        <translation>一个 2-16-1 的 MLP 用 Adam 学习螺旋数据。较长的运行，用来观察损失曲线和 accuracy 额外项。</translation>
    </message>
    <message>
        <location filename="../gui/text/lesson_texts.cpp" line="108"/>
        <source>dropout with a seed: the same draws as Python</source>
        <translation>带种子的 dropout：与 Python 抽取相同的随机数</translation>
    </message>
    <message>
        <location filename="../gui/text/lesson_texts.cpp" line="109"/>
        <source>An MLP with dropout inside training_step, on shuffled data. Like seed_everything, the seed resets torch&apos;s generator when fit starts; each epoch the DataLoader draws its seeds from it, then training_step&apos;s dropout draws its masks. With the same seed and the same calls, Python draws the same batches and the same masks, so the losses agree to the last bit. The extra &apos;kept&apos; is the share of hidden units dropout kept on the batch.</source>
        <translation>一个在 training_step 中使用 dropout 的 MLP，数据已打乱。与 seed_everything 一样，fit 开始时种子会重置 torch 的生成器；每一轮 DataLoader 先从中抽取它的种子，然后 training_step 的 dropout 再抽取掩码。种子相同、调用相同，Python 就会抽到相同的批次和相同的掩码，因此损失逐位一致。额外输出 &apos;kept&apos; 是该批次中 dropout 保留的隐藏单元比例。</translation>
    </message>
    <message>
        <location filename="../gui/text/lesson_texts.cpp" line="118"/>
        <source>a learning-rate schedule (OneCycleLR) under accumulation</source>
        <translation>梯度累积下的学习率调度（OneCycleLR）</translation>
    </message>
    <message>
        <location filename="../gui/text/lesson_texts.cpp" line="119"/>
        <source>configure_optimizers returns OneCycleLR with interval &quot;step&quot;. Building it already set the lr to max_lr / div_factor and turned SGD&apos;s momentum on. Lightning steps the scheduler in its own stage, lr_scheduler_step, after an optimizer step and before on_train_batch_end; with accumulate_grad_batches=2 the accumulating batches skip it, so the schedule counts optimizer steps, not batches. Watch the learning rate on its own axis in the plot. After the last optimizer step Lightning steps it once more, one past the end of the schedule: torch allows that step, and the lr it sets is never used.</source>
        <translation>configure_optimizers 返回 interval 为 &quot;step&quot; 的 OneCycleLR。构造它时就已把学习率设为 max_lr / div_factor，并打开了 SGD 的动量。Lightning 在单独的阶段 lr_scheduler_step 中让调度器步进：在优化器步进之后、on_train_batch_end 之前；accumulate_grad_batches=2 时，累积中的批次会跳过它，所以调度按优化器步数计数，而不是按批次。请在图中单独的坐标轴上观察学习率。最后一次优化器步进之后，Lightning 还会再让它步进一次，越过调度的终点一步：torch 允许这一步，而它设置的学习率不会再被使用。</translation>
    </message>
    <message>
        <location filename="../gui/text/lesson_texts.cpp" line="130"/>
        <source>compare: accumulate 4 batches of 8, or one batch of 32?</source>
        <translation>对比：累积 4 个大小为 8 的批次，还是一个大小为 32 的批次？</translation>
    </message>
    <message>
        <location filename="../gui/text/lesson_texts.cpp" line="131"/>
        <source>Run A accumulates 4 batches of 8 (each loss divided by 4), run B takes batches of 32. Over the same 32 samples both gradients are the mean over those 32 samples, so where the runs meet, every 32 samples, they agree up to rounding: bit for bit after the first 32, about 1e-7 apart after 64, because the terms are added in another order. With 80 samples the epoch&apos;s last cycle holds only 2 batches, still divided by 4: its gradient is half of run B&apos;s mean over its last 16 samples, and there the runs stop agreeing. Set the tolerance to 1e-6 to find that batch.</source>
        <translation>运行 A 累积 4 个大小为 8 的批次（每个损失除以 4），运行 B 使用大小为 32 的批次。在相同的 32 个样本上，两者的梯度都是这 32 个样本的均值，因此两个运行每 32 个样本相遇一次，并且只差舍入误差：前 32 个样本之后逐位相同，64 个样本之后相差约 1e-7，因为各项相加的顺序不同。共 80 个样本时，本轮最后一个累积周期只有 2 个批次，但仍然除以 4：它的梯度只有运行 B 对最后 16 个样本求均值的一半，两个运行从这里开始不再一致。把容差设为 1e-6 即可找到该批次。</translation>
    </message>
    <message>
        <location filename="../gui/text/lesson_texts.cpp" line="140"/>
        <source>accumulate 4 × 8</source>
        <translation>累积 4 × 8</translation>
    </message>
    <message>
        <location filename="../gui/text/lesson_texts.cpp" line="141"/>
        <source>batches of 32</source>
        <translation>批次大小 32</translation>
    </message>
    <message>
        <location filename="../gui/text/lesson_texts.cpp" line="143"/>
        <source>compare: grads set to None, or zero-filled, on None batches</source>
        <translation>对比：在返回 None 的批次上，梯度设为 None 还是填零</translation>
    </message>
    <message>
        <location filename="../gui/text/lesson_texts.cpp" line="144"/>
        <source>Every third batch returns None, and Lightning still calls optimizer.step. Run A&apos;s zero_grad sets the grads to None: SGD skips every parameter without a grad, so momentum and weight decay do nothing and the weights stay put. Run B&apos;s zero_grad fills them with zeros: the momentum buffer and the weight decay still move the weights. The runs are bit-identical until the first None batch, and differ from there on.</source>
        <translation>每隔两个批次返回一次 None，Lightning 仍然调用 optimizer.step。运行 A 的 zero_grad 把梯度设为 None：SGD 跳过没有梯度的参数，动量和权重衰减都不起作用，权重保持不动。运行 B 的 zero_grad 把梯度填零：动量缓冲和权重衰减仍然会移动权重。两个运行在第一个 None 批次之前逐位相同，从那里开始不同。</translation>
    </message>
    <message>
        <location filename="../gui/text/lesson_texts.cpp" line="151"/>
        <source>grads set to None</source>
        <translation>梯度设为 None</translation>
    </message>
    <message>
        <location filename="../gui/text/lesson_texts.cpp" line="152"/>
        <source>grads zero-filled</source>
        <translation>梯度填零</translation>
    </message>
    <message>
        <location filename="../gui/text/lesson_texts.cpp" line="154"/>
        <source>compare: clipping by norm, or none</source>
        <translation>对比：按范数裁剪，还是不裁剪</translation>
    </message>
    <message>
        <location filename="../gui/text/lesson_texts.cpp" line="155"/>
        <source>Run A clips the gradient&apos;s norm to 0.5 inside the closure, after backward and on_before_optimizer_step; run B does not clip. The first gradients are large, clipping shortens run A&apos;s steps, and the runs part at the first batch. The distance grows while clipping shortens the steps, and levels off as the loss falls and the gradients shrink.</source>
        <translation>运行 A 在闭包内、backward 和 on_before_optimizer_step 之后把梯度范数裁剪到 0.5；运行 B 不裁剪。开始时梯度很大，裁剪缩短了运行 A 的步长，两个运行在第一个批次就分开了。裁剪缩短步长时距离不断增大，随着损失下降、梯度变小，距离趋于平稳。</translation>
    </message>
    <message>
        <location filename="../gui/text/lesson_texts.cpp" line="161"/>
        <source>clip norm 0.5</source>
        <translation>范数裁剪 0.5</translation>
    </message>
    <message>
        <location filename="../gui/text/lesson_texts.cpp" line="162"/>
        <source>no clipping</source>
        <translation>不裁剪</translation>
    </message>
    <message>
        <location filename="../gui/text/lesson_texts.cpp" line="164"/>
        <source>compare: LBFGS or SGD on the same batches</source>
        <translation>对比：在相同批次上用 LBFGS 还是 SGD</translation>
    </message>
    <message>
        <location filename="../gui/text/lesson_texts.cpp" line="165"/>
        <source>Both runs see the same batches. Run A&apos;s LBFGS calls the closure up to 8 times inside one optimizer.step (training_step, zero_grad and backward each time); run B&apos;s SGD calls it once. Step a stage at a time: run B waits at the end of its batch until run A has finished all of its closure calls, so both always hold in the same batch. global_step counts one per batch in both.</source>
        <translation>两个运行看到相同的批次。运行 A 的 LBFGS 在一次 optimizer.step 中最多调用闭包 8 次（每次都运行 training_step、zero_grad 和 backward）；运行 B 的 SGD 只调用一次。逐阶段单步执行：运行 B 在批次末尾等待，直到运行 A 完成所有闭包调用，因此两者总是停在同一个批次。两个运行的 global_step 都是每个批次加一。</translation>
    </message>
    <message>
        <location filename="../gui/text/lesson_texts.cpp" line="172"/>
        <source>LBFGS, up to 8 closure calls a step</source>
        <translation>LBFGS，每步最多调用 8 次闭包</translation>
    </message>
    <message>
        <location filename="../gui/text/lesson_texts.cpp" line="173"/>
        <source>SGD, one closure call a step</source>
        <translation>SGD，每步调用 1 次闭包</translation>
    </message>
    <message>
        <location filename="../gui/text/lesson_texts.cpp" line="175"/>
        <source>compare: Adam&apos;s L2 weight decay, or AdamW&apos;s decoupled one</source>
        <translation>对比：Adam 的 L2 权重衰减，还是 AdamW 的解耦权重衰减</translation>
    </message>
    <message>
        <location filename="../gui/text/lesson_texts.cpp" line="176"/>
        <source>Run A is Adam with weight_decay=0.1: the decay is added to the gradient, so Adam&apos;s per-parameter scaling divides it too. Run B is AdamW with the same number: it shrinks the weights by lr × weight_decay directly and leaves the gradient alone. The runs differ from the first step.</source>
        <translation>运行 A 是 weight_decay=0.1 的 Adam：衰减项加到梯度上，因此也会被 Adam 的逐参数缩放除掉。运行 B 是相同数值的 AdamW：它直接把权重按 lr × weight_decay 缩小，不改动梯度。两个运行从第一步起就不同。</translation>
    </message>
    <message>
        <location filename="../gui/text/lesson_texts.cpp" line="181"/>
        <source>Adam, weight_decay=0.1</source>
        <translation>Adam，weight_decay=0.1</translation>
    </message>
    <message>
        <location filename="../gui/text/lesson_texts.cpp" line="182"/>
        <source>AdamW, weight_decay=0.1</source>
        <translation>AdamW，weight_decay=0.1</translation>
    </message>
</context>
<context>
    <name>LossOrigin</name>
    <message>
        <location filename="../gui/views/loss_origin.cpp" line="15"/>
        <source>Batch %1 (pointed at; epoch %2, batch_idx %3):</source>
        <translation>批次 %1（鼠标所指；第 %2 轮，batch_idx %3）：</translation>
    </message>
    <message>
        <location filename="../gui/views/loss_origin.cpp" line="16"/>
        <source>Batch %1 (newest; epoch %2, batch_idx %3):</source>
        <translation>批次 %1（最新；第 %2 轮，batch_idx %3）：</translation>
    </message>
    <message>
        <location filename="../gui/views/loss_origin.cpp" line="26"/>
        <source>training_step returned %1, nothing to backpropagate: a gap in the plot (▼).</source>
        <translation>training_step 返回 %1，没有可反向传播的内容：图中此处留空（▼）。</translation>
    </message>
    <message>
        <location filename="../gui/views/loss_origin.cpp" line="29"/>
        <source>no loss was recorded for this batch.</source>
        <translation>此批次没有记录损失。</translation>
    </message>
    <message>
        <location filename="../gui/views/loss_origin.cpp" line="36"/>
        <source>returned %1 → ÷ %2 (accumulate_grad_batches) → backward saw %3, plotted</source>
        <translation>返回 %1 → ÷ %2（accumulate_grad_batches）→ backward 得到 %3，即图中所画</translation>
    </message>
    <message>
        <location filename="../gui/views/loss_origin.cpp" line="41"/>
        <source>returned %1 → ÷ 1 → backward saw it as is, plotted</source>
        <translation>返回 %1 → ÷ 1 → backward 原样得到，即图中所画</translation>
    </message>
    <message>
        <location filename="../gui/views/loss_origin.cpp" line="43"/>
        <source> · smoothed %1 (EMA %2, debiased)</source>
        <translation> · 平滑值 %1（EMA %2，已去偏）</translation>
    </message>
    <message>
        <location filename="../gui/views/loss_origin.cpp" line="50"/>
        <source>Where the plotted numbers come from. training_step returns a loss; in automatic optimization Lightning divides it by accumulate_grad_batches (N) before backward, and reports that normalised value — the thin line. The thick line smooths it with an exponential moving average (the Smoothing weight), debiased as TensorBoard does, so its first points are not pulled towards zero. Point at a batch in the plot to see its own numbers; the ribbon under the plot says why global_step moved or not.</source>
        <translation>图中数值的来历。training_step 返回一个损失；在自动优化中，Lightning 在 backward 之前将其除以 accumulate_grad_batches（N），并报告这个归一化后的值——即细线。粗线用指数移动平均（“平滑”权重）对其平滑，并像 TensorBoard 那样去偏，因此最初几个点不会被拉向零。将鼠标指向图中的某个批次可查看它自己的数值；图下方的色带说明 global_step 为何前进或不动。</translation>
    </message>
    <message>
        <location filename="../gui/views/loss_origin.cpp" line="62"/>
        <source>Batch %1: epoch %2, batch_idx %3.</source>
        <translation>批次 %1：第 %2 轮，batch_idx %3。</translation>
    </message>
    <message>
        <location filename="../gui/views/loss_origin.cpp" line="65"/>
        <source>Batch %1 of %2 in its accumulation cycle.</source>
        <translation>它是所在累积周期中的第 %1 个批次（共 %2 个）。</translation>
    </message>
    <message>
        <location filename="../gui/views/loss_origin.cpp" line="69"/>
        <source>The cycle&apos;s stepping batch: optimizer.step(closure) ran, so global_step went from %1 to %2.</source>
        <translation>周期中执行优化步骤的批次：optimizer.step(closure) 已运行，因此 global_step 从 %1 变为 %2。</translation>
    </message>
    <message>
        <location filename="../gui/views/loss_origin.cpp" line="73"/>
        <source>Every batch steps: optimizer.step(closure) ran, so global_step went from %1 to %2.</source>
        <translation>每个批次都执行优化步骤：optimizer.step(closure) 已运行，因此 global_step 从 %1 变为 %2。</translation>
    </message>
    <message>
        <location filename="../gui/views/loss_origin.cpp" line="78"/>
        <source>Lightning called the closure directly (training_step, backward) and did not step: gradients accumulate, so global_step stays %1 until the cycle&apos;s last batch.</source>
        <translation>Lightning 直接调用了闭包（training_step、backward），没有执行优化步骤：梯度在累积，因此 global_step 保持为 %1，直到周期的最后一个批次。</translation>
    </message>
    <message>
        <location filename="../gui/views/loss_origin.cpp" line="84"/>
        <source>No optimizer step counted here, so global_step stays %1.</source>
        <translation>此处没有计入优化步骤，因此 global_step 保持为 %1。</translation>
    </message>
</context>
<context>
    <name>NoneExplainer</name>
    <message>
        <location filename="../gui/text/none_explainer.cpp" line="21"/>
        <source>backward skipped</source>
        <translation>跳过了 backward</translation>
    </message>
    <message>
        <location filename="../gui/text/none_explainer.cpp" line="23"/>
        <source>accumulating batch: no optimizer step on this batch</source>
        <translation>累积批次：本批次不执行优化器步骤</translation>
    </message>
    <message>
        <location filename="../gui/text/none_explainer.cpp" line="25"/>
        <source>the cycle&apos;s earlier gradients stay in .grad</source>
        <translation>周期中先前批次的梯度仍保留在 .grad 中</translation>
    </message>
    <message>
        <location filename="../gui/text/none_explainer.cpp" line="27"/>
        <source>zero_grad cleared the gradients; later batches of the cycle accumulate as usual</source>
        <translation>zero_grad 已清除梯度；周期中后续批次照常累积</translation>
    </message>
    <message>
        <location filename="../gui/text/none_explainer.cpp" line="30"/>
        <source>optimizer step still ran and global_step still advanced</source>
        <translation>优化器步骤仍然执行，global_step 仍然增加</translation>
    </message>
    <message>
        <location filename="../gui/text/none_explainer.cpp" line="34"/>
        <source>update norm %1</source>
        <translation>更新范数 %1</translation>
    </message>
    <message>
        <location filename="../gui/text/none_explainer.cpp" line="36"/>
        <source>; </source>
        <comment>separator between the clauses of an explanation</comment>
        <translation>；</translation>
    </message>
</context>
<context>
    <name>PipelineText</name>
    <message>
        <location filename="../gui/text/formatters.cpp" line="15"/>
        <source>%1 ns</source>
        <translation>%1 纳秒</translation>
    </message>
    <message>
        <location filename="../gui/text/formatters.cpp" line="17"/>
        <source>%1 µs</source>
        <translation>%1 微秒</translation>
    </message>
    <message>
        <location filename="../gui/text/formatters.cpp" line="19"/>
        <source>%1 ms</source>
        <translation>%1 毫秒</translation>
    </message>
    <message>
        <location filename="../gui/text/formatters.cpp" line="20"/>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <location filename="../gui/views/pipeline_state.cpp" line="108"/>
        <source>loss %1</source>
        <translation>损失 %1</translation>
    </message>
    <message>
        <location filename="../gui/views/pipeline_state.cpp" line="110"/>
        <source>returned None</source>
        <translation>返回了 None</translation>
    </message>
    <message>
        <location filename="../gui/views/pipeline_state.cpp" line="122"/>
        <source>‖g‖ %1</source>
        <translation>‖g‖ %1</translation>
    </message>
    <message>
        <location filename="../gui/views/pipeline_state.cpp" line="125"/>
        <source>‖Δθ‖ %1</source>
        <translation>‖Δθ‖ %1</translation>
    </message>
    <message>
        <location filename="../gui/views/pipeline_state.cpp" line="127"/>
        <source>, lr %1</source>
        <translation>，lr %1</translation>
    </message>
    <message>
        <location filename="../gui/views/pipeline_state.cpp" line="138"/>
        <source>set to None</source>
        <translation>设为 None</translation>
    </message>
    <message>
        <location filename="../gui/views/pipeline_state.cpp" line="139"/>
        <source>zero-filled</source>
        <translation>置零</translation>
    </message>
    <message>
        <location filename="../gui/views/pipeline_state.cpp" line="142"/>
        <source>lr %1 → %2</source>
        <translation>学习率 %1 → %2</translation>
    </message>
    <message>
        <location filename="../gui/views/pipeline_state.cpp" line="144"/>
        <source>clip %1 (%2)</source>
        <translation>裁剪 %1（%2）</translation>
    </message>
    <message>
        <location filename="../gui/views/pipeline_state.cpp" line="114"/>
        <source>loss shape [%1]</source>
        <translation>损失形状 [%1]</translation>
    </message>
    <message>
        <location filename="../gui/views/pipeline_state.cpp" line="117"/>
        <source>returned %1</source>
        <translation>返回了 %1</translation>
    </message>
</context>
<context>
    <name>RemoteText</name>
    <message>
        <location filename="../gui/session/remote_link.cpp" line="73"/>
        <source>the server sent a message longer than 64 MiB</source>
        <translation>服务器发送的消息超过 64 MiB</translation>
    </message>
    <message>
        <location filename="../gui/session/remote_link.cpp" line="85"/>
        <source>%1 is not a stepwise-run --listen server</source>
        <translation>%1 不是 stepwise-run --listen 服务器</translation>
    </message>
    <message>
        <location filename="../gui/session/remote_link.cpp" line="89"/>
        <source>the server speaks schema %1, this Stepwise schema %2 (server: Stepwise %3)</source>
        <translation>服务器使用模式 %1，本 Stepwise 使用模式 %2（服务器：Stepwise %3）</translation>
    </message>
    <message>
        <location filename="../gui/session/remote_link.cpp" line="105"/>
        <source>the server&apos;s answer is not valid: %1</source>
        <translation>服务器的回应无效：%1</translation>
    </message>
    <message>
        <location filename="../gui/session/remote_link.cpp" line="110"/>
        <source>the server refused to attach: %1</source>
        <translation>服务器拒绝连接：%1</translation>
    </message>
    <message>
        <location filename="../gui/session/remote_link.cpp" line="115"/>
        <source>unexpected answer from the server: %1</source>
        <translation>服务器的回应出乎意料：%1</translation>
    </message>
    <message>
        <location filename="../gui/session/remote_link.cpp" line="132"/>
        <source>the server sent an event this Stepwise cannot read: %1</source>
        <translation>服务器发送了本 Stepwise 无法读取的事件：%1</translation>
    </message>
    <message>
        <location filename="../gui/session/remote_link.cpp" line="151"/>
        <source>%1: %2. The events received so far are kept.</source>
        <translation>%1：%2。已收到的事件均已保留。</translation>
    </message>
    <message>
        <location filename="../gui/session/remote_link.cpp" line="166"/>
        <source>the connection was lost</source>
        <translation>连接已断开</translation>
    </message>
    <message>
        <location filename="../gui/session/remote_link.cpp" line="167"/>
        <source>the server closed the connection</source>
        <translation>服务器关闭了连接</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Steps a training loop the way PyTorch Lightning&apos;s automatic optimization runs it.</source>
        <translation type="vanished">按照 PyTorch Lightning 自动优化的方式逐步执行训练循环。</translation>
    </message>
    <message>
        <source>A run config (.json), a TorchScript module (.pt) or a Stepwise source (.stepwise). Default: the built-in lesson.</source>
        <translation type="vanished">运行配置（.json）、TorchScript 模块（.pt）或 Stepwise 源文件（.stepwise）。默认：内置课程。</translation>
    </message>
    <message>
        <source>Attach to a run served by stepwise-run --listen at HOST:PORT.</source>
        <translation type="vanished">连接到由 stepwise-run --listen 在 HOST:PORT 提供的运行。</translation>
    </message>
    <message>
        <source>The token stepwise-run printed (default: $STEPWISE_TOKEN).</source>
        <translation type="vanished">stepwise-run 打印的令牌（默认：$STEPWISE_TOKEN）。</translation>
    </message>
</context>
<context>
    <name>stepwise::gui::AttachDialog</name>
    <message>
        <location filename="../gui/app/attach_dialog.cpp" line="19"/>
        <source>Attach to a running stepwise-run</source>
        <translation>连接到正在运行的 stepwise-run</translation>
    </message>
    <message>
        <location filename="../gui/app/attach_dialog.cpp" line="23"/>
        <source>Start the run with &lt;tt&gt;stepwise-run … --listen PORT&lt;/tt&gt;; it prints the address and the token on its first line. For a run on another host, forward the port with &lt;tt&gt;ssh -L PORT:127.0.0.1:PORT host&lt;/tt&gt; and attach to 127.0.0.1:PORT.</source>
        <translation>用 &lt;tt&gt;stepwise-run … --listen PORT&lt;/tt&gt; 启动运行；它在第一行输出地址和令牌。若运行在另一台主机上，请用 &lt;tt&gt;ssh -L PORT:127.0.0.1:PORT host&lt;/tt&gt; 转发端口，然后连接到 127.0.0.1:PORT。</translation>
    </message>
    <message>
        <location filename="../gui/app/attach_dialog.cpp" line="32"/>
        <source>Address (host:port)</source>
        <translation>地址（主机:端口）</translation>
    </message>
    <message>
        <location filename="../gui/app/attach_dialog.cpp" line="33"/>
        <source>Token</source>
        <translation>令牌</translation>
    </message>
</context>
<context>
    <name>stepwise::gui::BreakpointsView</name>
    <message>
        <location filename="../gui/views/breakpoints_view.cpp" line="188"/>
        <source>On</source>
        <translation>启用</translation>
    </message>
    <message>
        <location filename="../gui/views/breakpoints_view.cpp" line="188"/>
        <source>Condition</source>
        <translation>条件</translation>
    </message>
    <message>
        <location filename="../gui/views/breakpoints_view.cpp" line="188"/>
        <source>Hits</source>
        <translation>命中次数</translation>
    </message>
    <message>
        <location filename="../gui/views/breakpoints_view.cpp" line="190"/>
        <source>Add a condition: nonfinite, none, spike &gt; 3, grad_norm &gt; 100, acc &lt; 0.2, global_step = 50, stage = backward and batch = 2, exception</source>
        <translation>添加条件：nonfinite、none、spike &gt; 3、grad_norm &gt; 100、acc &lt; 0.2、global_step = 50、stage = backward and batch = 2、exception</translation>
    </message>
    <message>
        <location filename="../gui/views/breakpoints_view.cpp" line="192"/>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <location filename="../gui/views/breakpoints_view.cpp" line="193"/>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../gui/views/breakpoints_view.cpp" line="195"/>
        <source>A hit holds the run at the next stage boundary and is logged. Changes apply from the run&apos;s next stage boundary and are kept in its config; see the README for the whole language.</source>
        <translation>命中后运行会在下一个阶段边界暂停，并记入日志。修改从运行的下一个阶段边界起生效，并保存在其配置中；完整的条件语言见 README。</translation>
    </message>
</context>
<context>
    <name>stepwise::gui::CodeView</name>
    <message>
        <location filename="../gui/views/code_view.cpp" line="79"/>
        <source>a new batch begins</source>
        <translation>新批次开始</translation>
    </message>
    <message>
        <location filename="../gui/views/code_view.cpp" line="82"/>
        <source>built once per batch; its result is read once</source>
        <translation>每个批次构建一次；其结果只读取一次</translation>
    </message>
    <message>
        <location filename="../gui/views/code_view.cpp" line="84"/>
        <source>your code, on the left</source>
        <translation>你的代码，见左侧</translation>
    </message>
    <message>
        <location filename="../gui/views/code_view.cpp" line="87"/>
        <source>a tensor, dict[&quot;loss&quot;], or None (then a warning, once)</source>
        <translation>张量、dict[&quot;loss&quot;] 或 None（此时警告一次）</translation>
    </message>
    <message>
        <location filename="../gui/views/code_view.cpp" line="91"/>
        <source>after the forward pass, not before</source>
        <translation>在前向传播之后，而不是之前</translation>
    </message>
    <message>
        <location filename="../gui/views/code_view.cpp" line="95"/>
        <source>gradients add up in .grad</source>
        <translation>梯度累加到 .grad 中</translation>
    </message>
    <message>
        <location filename="../gui/views/code_view.cpp" line="97"/>
        <source>the gradients are ready</source>
        <translation>梯度已就绪</translation>
    </message>
    <message>
        <location filename="../gui/views/code_view.cpp" line="101"/>
        <source>not the cycle&apos;s last batch, nor the epoch&apos;s</source>
        <translation>既不是周期的最后一个批次，也不是本轮的最后一个批次</translation>
    </message>
    <message>
        <location filename="../gui/views/code_view.cpp" line="103"/>
        <source>called directly: no optimizer step</source>
        <translation>直接调用：没有优化器步</translation>
    </message>
    <message>
        <location filename="../gui/views/code_view.cpp" line="106"/>
        <source>the wrapper the optimizer calls</source>
        <translation>优化器调用的包装函数</translation>
    </message>
    <message>
        <location filename="../gui/views/code_view.cpp" line="110"/>
        <source>after every closure call</source>
        <translation>每次闭包调用之后</translation>
    </message>
    <message>
        <location filename="../gui/views/code_view.cpp" line="112"/>
        <source>inside the wrapper</source>
        <translation>在包装函数内部</translation>
    </message>
    <message>
        <location filename="../gui/views/code_view.cpp" line="115"/>
        <source>LBFGS calls step_closure many times; the update</source>
        <translation>LBFGS 会多次调用 step_closure；参数更新</translation>
    </message>
    <message>
        <location filename="../gui/views/code_view.cpp" line="116"/>
        <source>once per optimizer step</source>
        <translation>每个优化器步一次</translation>
    </message>
    <message>
        <location filename="../gui/views/code_view.cpp" line="117"/>
        <source>after a step, at its interval and frequency</source>
        <translation>在优化器步之后，按其 interval 和 frequency</translation>
    </message>
    <message>
        <location filename="../gui/views/code_view.cpp" line="120"/>
        <source>outputs = {&quot;loss&quot;: loss / N, extras}</source>
        <translation>outputs = {&quot;loss&quot;: loss / N, 额外项}</translation>
    </message>
    <message>
        <location filename="../gui/views/code_view.cpp" line="158"/>
        <source># The run did not send its model&apos;s code.</source>
        <translation># 本次运行没有发送其模型代码。</translation>
    </message>
    <message>
        <location filename="../gui/views/code_view.cpp" line="198"/>
        <source># (cannot read this file)</source>
        <translation># （无法读取此文件）</translation>
    </message>
    <message>
        <location filename="../gui/views/code_view.cpp" line="206"/>
        <source>&lt;b&gt;Your code&lt;/b&gt; — held at %1:%2, in %3</source>
        <translation>&lt;b&gt;你的代码&lt;/b&gt; — 停在 %1:%2，位于 %3</translation>
    </message>
    <message>
        <location filename="../gui/views/code_view.cpp" line="211"/>
        <source>&lt;b&gt;Your model&lt;/b&gt; — the code the run compiled</source>
        <translation>&lt;b&gt;你的模型&lt;/b&gt; — 本次运行编译的代码</translation>
    </message>
    <message>
        <location filename="../gui/views/code_view.cpp" line="307"/>
        <source>&lt;b&gt;What Lightning does for one batch&lt;/b&gt; — automatic optimization, in Stepwise&apos;s words</source>
        <translation>&lt;b&gt;Lightning 对一个批次做了什么&lt;/b&gt; — 自动优化，Stepwise 的表述</translation>
    </message>
</context>
<context>
    <name>stepwise::gui::CompareBar</name>
    <message>
        <location filename="../gui/views/compare_bar.cpp" line="81"/>
        <source>Go back there</source>
        <translation>回到那里</translation>
    </message>
    <message>
        <location filename="../gui/views/compare_bar.cpp" line="83"/>
        <source>Sends both runs back to the start of the stretch of data where they first differ, held there: step through it to see what makes them part.</source>
        <translation>把两个运行都退回到它们第一次出现差异的那段数据的开头并暂停：逐步执行，看看是什么让它们分开。</translation>
    </message>
    <message>
        <location filename="../gui/views/compare_bar.cpp" line="85"/>
        <source>End comparison</source>
        <translation>结束对比</translation>
    </message>
    <message>
        <location filename="../gui/views/compare_bar.cpp" line="86"/>
        <source>Run B stops and closes; run A goes on alone.</source>
        <translation>运行 B 停止并关闭；运行 A 单独继续。</translation>
    </message>
    <message>
        <location filename="../gui/views/compare_bar.cpp" line="87"/>
        <source>differ when ‖θ_A − θ_B‖ &gt;</source>
        <translation>视为不同：‖θ_A − θ_B‖ &gt;</translation>
    </message>
    <message>
        <location filename="../gui/views/compare_bar.cpp" line="88"/>
        <source>0 (bit for bit)</source>
        <translation>0（逐位相同）</translation>
    </message>
    <message>
        <location filename="../gui/views/compare_bar.cpp" line="97"/>
        <source>&lt;b style=&quot;color:#2563eb&quot;&gt;A&lt;/b&gt;: %1 · &lt;b style=&quot;color:#ea580c&quot;&gt;B&lt;/b&gt;: %2</source>
        <translation>&lt;b style=&quot;color:#2563eb&quot;&gt;A&lt;/b&gt;：%1 · &lt;b style=&quot;color:#ea580c&quot;&gt;B&lt;/b&gt;：%2</translation>
    </message>
    <message>
        <location filename="../gui/views/compare_bar.cpp" line="101"/>
        <source>the same config</source>
        <translation>配置相同</translation>
    </message>
    <message>
        <location filename="../gui/views/compare_bar.cpp" line="102"/>
        <source>differs in %1</source>
        <translation>不同之处：%1</translation>
    </message>
    <message>
        <location filename="../gui/views/compare_bar.cpp" line="107"/>
        <source>‖θ_A − θ_B‖: not measured yet</source>
        <translation>‖θ_A − θ_B‖：尚未测量</translation>
    </message>
    <message>
        <location filename="../gui/views/compare_bar.cpp" line="111"/>
        <source>‖θ_A − θ_B‖ after A&apos;s batch %1: %2</source>
        <translation>A 的批次 %1 之后 ‖θ_A − θ_B‖：%2</translation>
    </message>
    <message>
        <location filename="../gui/views/compare_bar.cpp" line="119"/>
        <source>&lt;b style=&quot;color:#dc2626&quot;&gt;first difference&lt;/b&gt;: after A&apos;s batch %1 and B&apos;s batch %2</source>
        <translation>&lt;b style=&quot;color:#dc2626&quot;&gt;第一次差异&lt;/b&gt;：A 的批次 %1、B 的批次 %2 之后</translation>
    </message>
    <message>
        <location filename="../gui/views/compare_bar.cpp" line="123"/>
        <source>&lt;b style=&quot;color:#dc2626&quot;&gt;first difference&lt;/b&gt;: after A&apos;s batch %1</source>
        <translation>&lt;b style=&quot;color:#dc2626&quot;&gt;第一次差异&lt;/b&gt;：A 的批次 %1 之后</translation>
    </message>
    <message>
        <location filename="../gui/views/compare_bar.cpp" line="127"/>
        <source>no batch compared yet</source>
        <translation>尚未比较任何批次</translation>
    </message>
    <message>
        <location filename="../gui/views/compare_bar.cpp" line="128"/>
        <source>&lt;b style=&quot;color:#166534&quot;&gt;no difference&lt;/b&gt; so far</source>
        <translation>到目前为止&lt;b style=&quot;color:#166534&quot;&gt;没有差异&lt;/b&gt;</translation>
    </message>
</context>
<context>
    <name>stepwise::gui::Comparison</name>
    <message>
        <location filename="../gui/session/comparison.cpp" line="24"/>
        <source>not what Lightning does</source>
        <translation>不是 Lightning 的做法</translation>
    </message>
    <message>
        <location filename="../gui/session/comparison.cpp" line="25"/>
        <source>%1 — %2</source>
        <translation>%1 — %2</translation>
    </message>
</context>
<context>
    <name>stepwise::gui::ComparisonLayer</name>
    <message>
        <location filename="../gui/widgets/comparison_layer.cpp" line="81"/>
        <source>A: loss ÷ N (Lightning&apos;s)</source>
        <translation>A：损失 ÷ N（Lightning 记录的）</translation>
    </message>
    <message>
        <location filename="../gui/widgets/comparison_layer.cpp" line="82"/>
        <source>A: loss returned</source>
        <translation>A：返回的损失</translation>
    </message>
    <message>
        <location filename="../gui/widgets/comparison_layer.cpp" line="85"/>
        <source>B: loss returned</source>
        <translation>B：返回的损失</translation>
    </message>
    <message>
        <location filename="../gui/widgets/comparison_layer.cpp" line="84"/>
        <source>B: loss returned — not what Lightning does</source>
        <translation>B：返回的损失 — 不是 Lightning 的做法</translation>
    </message>
    <message>
        <location filename="../gui/widgets/comparison_layer.cpp" line="86"/>
        <source>‖θ_A − θ_B‖ (right axis)</source>
        <translation>‖θ_A − θ_B‖（右轴）</translation>
    </message>
    <message>
        <location filename="../gui/widgets/comparison_layer.cpp" line="87"/>
        <source>‖θ_A − θ_B‖</source>
        <translation>‖θ_A − θ_B‖</translation>
    </message>
    <message>
        <location filename="../gui/widgets/comparison_layer.cpp" line="88"/>
        <source>first difference: batch %1</source>
        <translation>第一次差异：批次 %1</translation>
    </message>
</context>
<context>
    <name>stepwise::gui::ConfigPanel</name>
    <message>
        <location filename="../gui/views/config_panel.cpp" line="176"/>
        <source>Open model</source>
        <translation>打开模型</translation>
    </message>
    <message>
        <location filename="../gui/views/config_panel.cpp" line="176"/>
        <source>Models (*.pt *.stepwise);;All files (*)</source>
        <translation>模型 (*.pt *.stepwise);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../gui/views/config_panel.cpp" line="213"/>
        <source>Open data</source>
        <translation>打开数据</translation>
    </message>
    <message>
        <location filename="../gui/views/config_panel.cpp" line="213"/>
        <source>Tensors saved by torch.save (*.pt *.pth);;All files (*)</source>
        <translation>torch.save 保存的张量 (*.pt *.pth);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../gui/views/config_panel.cpp" line="29"/>
        <location filename="../gui/views/config_panel.cpp" line="334"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../gui/views/config_panel.cpp" line="32"/>
        <location filename="../gui/views/config_panel.cpp" line="335"/>
        <source>Data</source>
        <translation>数据</translation>
    </message>
    <message>
        <location filename="../gui/views/config_panel.cpp" line="38"/>
        <location filename="../gui/views/config_panel.cpp" line="336"/>
        <source>Optimizer</source>
        <translation>优化器</translation>
    </message>
    <message>
        <location filename="../gui/views/config_panel.cpp" line="48"/>
        <source>Scheduler</source>
        <translation>调度器</translation>
    </message>
    <message>
        <location filename="../gui/views/config_panel.cpp" line="49"/>
        <source>interval</source>
        <translation>interval（间隔）</translation>
    </message>
    <message>
        <location filename="../gui/views/config_panel.cpp" line="50"/>
        <source>frequency</source>
        <translation>frequency（频率）</translation>
    </message>
    <message>
        <location filename="../gui/views/config_panel.cpp" line="51"/>
        <source>limit_train_batches</source>
        <translation>limit_train_batches</translation>
    </message>
    <message>
        <location filename="../gui/views/config_panel.cpp" line="72"/>
        <location filename="../gui/views/config_panel.cpp" line="77"/>
        <source>not set</source>
        <translation>未设置</translation>
    </message>
    <message>
        <location filename="../gui/views/config_panel.cpp" line="337"/>
        <source>Trainer</source>
        <translation>Trainer</translation>
    </message>
    <message>
        <location filename="../gui/views/config_panel.cpp" line="338"/>
        <source>LR scheduler</source>
        <translation>学习率调度器</translation>
    </message>
    <message>
        <location filename="../gui/views/config_panel.cpp" line="339"/>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../gui/views/config_panel.cpp" line="341"/>
        <source>torch.optim.lr_scheduler, as configure_optimizers returns it; Lightning steps it after optimizer steps</source>
        <translation>torch.optim.lr_scheduler，与 configure_optimizers 返回的一致；Lightning 在优化器步进之后让它步进</translation>
    </message>
    <message>
        <location filename="../gui/views/config_panel.cpp" line="344"/>
        <source>Argument</source>
        <translation>参数</translation>
    </message>
    <message>
        <location filename="../gui/views/config_panel.cpp" line="345"/>
        <source>all (1.0)</source>
        <translation>全部（1.0）</translation>
    </message>
    <message>
        <location filename="../gui/views/config_panel.cpp" line="347"/>
        <source>an int: that many batches; a fraction in [0, 1]: that part of the epoch</source>
        <translation>整数：使用这么多批次；[0, 1] 之间的小数：使用一轮中的这一比例</translation>
    </message>
    <message>
        <location filename="../gui/views/config_panel.cpp" line="349"/>
        <source>Built-in lesson</source>
        <translation>内置课程</translation>
    </message>
    <message>
        <location filename="../gui/views/config_panel.cpp" line="350"/>
        <source>TorchScript module (.pt)</source>
        <translation>TorchScript 模块（.pt）</translation>
    </message>
    <message>
        <location filename="../gui/views/config_panel.cpp" line="351"/>
        <source>Stepwise source (.stepwise)</source>
        <translation>Stepwise 源文件（.stepwise）</translation>
    </message>
    <message>
        <location filename="../gui/views/config_panel.cpp" line="352"/>
        <location filename="../gui/views/config_panel.cpp" line="353"/>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location filename="../gui/views/config_panel.cpp" line="354"/>
        <source>Synthetic</source>
        <translation>合成数据</translation>
    </message>
    <message>
        <location filename="../gui/views/config_panel_config.cpp" line="142"/>
        <source>This run is your script&apos;s: its Trainer arguments and configure_optimizers set it. Edit the script and open it again.</source>
        <translation>此运行来自你的脚本：由其 Trainer 参数和 configure_optimizers 决定。请修改脚本后重新打开。</translation>
    </message>
    <message>
        <location filename="../gui/views/config_panel_config.cpp" line="214"/>
        <source>trainer.limit_train_batches: expected an integer, a fraction or nothing, got &quot;%1&quot;</source>
        <translation>trainer.limit_train_batches：应为整数、小数或留空，实际为 &quot;%1&quot;</translation>
    </message>
    <message>
        <location filename="../gui/views/config_panel.cpp" line="31"/>
        <location filename="../gui/views/config_panel.cpp" line="355"/>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../gui/views/config_panel.cpp" line="356"/>
        <source>Option</source>
        <translation>选项</translation>
    </message>
    <message>
        <location filename="../gui/views/config_panel.cpp" line="344"/>
        <location filename="../gui/views/config_panel.cpp" line="356"/>
        <source>Value (empty: torch default)</source>
        <translation>值（留空：torch 默认值）</translation>
    </message>
    <message>
        <location filename="../gui/views/config_panel.cpp" line="73"/>
        <location filename="../gui/views/config_panel.cpp" line="78"/>
        <location filename="../gui/views/config_panel.cpp" line="360"/>
        <source>no limit</source>
        <translation>不限</translation>
    </message>
    <message>
        <location filename="../gui/views/config_panel.cpp" line="358"/>
        <source>not set: as Lightning, 1000 epochs when max_steps has no limit, otherwise no epoch limit</source>
        <translation>未设置：与 Lightning 相同，max_steps 无限制时训练 1000 轮，否则不限轮数</translation>
    </message>
    <message>
        <location filename="../gui/views/config_panel.cpp" line="361"/>
        <source>default (norm)</source>
        <translation>默认（norm）</translation>
    </message>
    <message>
        <location filename="../gui/views/config_panel.cpp" line="362"/>
        <source>set to None (torch ≥ 2)</source>
        <translation>设为 None（torch ≥ 2）</translation>
    </message>
    <message>
        <location filename="../gui/views/config_panel.cpp" line="363"/>
        <source>zero-fill (torch &lt; 2)</source>
        <translation>置零（torch &lt; 2）</translation>
    </message>
    <message>
        <location filename="../gui/views/config_panel.cpp" line="364"/>
        <source>clip</source>
        <translation>裁剪</translation>
    </message>
    <message>
        <location filename="../gui/views/config_panel.cpp" line="366"/>
        <source>Revert</source>
        <translation>还原</translation>
    </message>
    <message>
        <location filename="../gui/views/config_panel.cpp" line="367"/>
        <source>Apply and reset</source>
        <translation>应用并重置</translation>
    </message>
    <message>
        <location filename="../gui/views/config_panel.cpp" line="368"/>
        <source>Validate the configuration and restart the session with it</source>
        <translation>校验配置并用它重新开始会话</translation>
    </message>
    <message>
        <location filename="../gui/views/config_panel.cpp" line="30"/>
        <source>Lesson</source>
        <translation>课程</translation>
    </message>
    <message>
        <location filename="../gui/views/config_panel.cpp" line="33"/>
        <source>Generator</source>
        <translation>生成器</translation>
    </message>
    <message>
        <location filename="../gui/views/config_panel.cpp" line="34"/>
        <source>Samples</source>
        <translation>样本数</translation>
    </message>
    <message>
        <location filename="../gui/views/config_panel.cpp" line="35"/>
        <source>Features</source>
        <translation>特征数</translation>
    </message>
    <message>
        <location filename="../gui/views/config_panel.cpp" line="36"/>
        <source>Noise</source>
        <translation>噪声</translation>
    </message>
    <message>
        <location filename="../gui/views/config_panel.cpp" line="37"/>
        <source>Data file</source>
        <translation>数据文件</translation>
    </message>
    <message>
        <location filename="../gui/views/config_panel.cpp" line="39"/>
        <source>batch_size</source>
        <translation>batch_size</translation>
    </message>
    <message>
        <location filename="../gui/views/config_panel.cpp" line="40"/>
        <source>shuffle</source>
        <translation>shuffle</translation>
    </message>
    <message>
        <location filename="../gui/views/config_panel.cpp" line="41"/>
        <source>seed</source>
        <translation>seed</translation>
    </message>
    <message>
        <location filename="../gui/views/config_panel.cpp" line="42"/>
        <source>max_epochs</source>
        <translation>max_epochs</translation>
    </message>
    <message>
        <location filename="../gui/views/config_panel.cpp" line="43"/>
        <source>max_steps</source>
        <translation>max_steps</translation>
    </message>
    <message>
        <location filename="../gui/views/config_panel.cpp" line="44"/>
        <source>accumulate_grad_batches</source>
        <translation>accumulate_grad_batches</translation>
    </message>
    <message>
        <location filename="../gui/views/config_panel.cpp" line="45"/>
        <source>gradient_clip_val</source>
        <translation>gradient_clip_val</translation>
    </message>
    <message>
        <location filename="../gui/views/config_panel.cpp" line="46"/>
        <source>gradient_clip_algorithm</source>
        <translation>gradient_clip_algorithm</translation>
    </message>
    <message>
        <location filename="../gui/views/config_panel.cpp" line="47"/>
        <source>zero_grad</source>
        <translation>zero_grad</translation>
    </message>
</context>
<context>
    <name>stepwise::gui::Exports</name>
    <message>
        <location filename="../gui/app/exports.cpp" line="65"/>
        <source>Export plot</source>
        <translation>导出图表</translation>
    </message>
    <message>
        <location filename="../gui/app/exports.cpp" line="65"/>
        <source>Export the per-batch table</source>
        <translation>导出逐批次表格</translation>
    </message>
    <message>
        <location filename="../gui/app/exports.cpp" line="74"/>
        <source>Could not write %1.</source>
        <translation>无法写入 %1。</translation>
    </message>
    <message>
        <location filename="../gui/app/exports.cpp" line="32"/>
        <source>PNG image (*.png)</source>
        <translation>PNG 图像 (*.png)</translation>
    </message>
    <message>
        <location filename="../gui/app/exports.cpp" line="35"/>
        <source>PDF document (*.pdf)</source>
        <translation>PDF 文档 (*.pdf)</translation>
    </message>
    <message>
        <location filename="../gui/app/exports.cpp" line="39"/>
        <source>CSV table (*.csv)</source>
        <translation>CSV 表格 (*.csv)</translation>
    </message>
    <message>
        <location filename="../gui/app/exports.cpp" line="73"/>
        <location filename="../gui/app/exports.cpp" line="83"/>
        <location filename="../gui/app/exports.cpp" line="87"/>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <location filename="../gui/app/exports.cpp" line="79"/>
        <source>Export TensorBoard event files into a log directory</source>
        <translation>将 TensorBoard 事件文件导出到日志目录</translation>
    </message>
    <message>
        <location filename="../gui/app/exports.cpp" line="88"/>
        <source>Wrote %1.
See it beside your Lightning runs with: tensorboard --logdir %2</source>
        <translation>已写入 %1。
用以下命令与您的 Lightning 运行并排查看：tensorboard --logdir %2</translation>
    </message>
    <message>
        <location filename="../gui/app/exports.cpp" line="52"/>
        <source>&amp;Export</source>
        <translation>导出(&amp;E)</translation>
    </message>
    <message>
        <location filename="../gui/app/exports.cpp" line="53"/>
        <source>Plot as &amp;PNG image…</source>
        <translation>曲线图导出为 PNG 图像(&amp;P)…</translation>
    </message>
    <message>
        <location filename="../gui/app/exports.cpp" line="54"/>
        <source>Plot as P&amp;DF document…</source>
        <translation>曲线图导出为 PDF 文档(&amp;D)…</translation>
    </message>
    <message>
        <location filename="../gui/app/exports.cpp" line="55"/>
        <source>Per-batch table (&amp;CSV)…</source>
        <translation>逐批次表格 (CSV)(&amp;C)…</translation>
    </message>
    <message>
        <location filename="../gui/app/exports.cpp" line="56"/>
        <source>&amp;TensorBoard event files…</source>
        <translation>TensorBoard 事件文件(&amp;T)…</translation>
    </message>
    <message>
        <location filename="../gui/app/exports.cpp" line="58"/>
        <source>The scalars Lightning&apos;s TensorBoardLogger writes when training_step logs its loss and extras, in a new version_N directory of the log directory you choose</source>
        <translation>training_step 记录其损失和额外输出时 Lightning 的 TensorBoardLogger 所写的标量，写入您所选日志目录中新的 version_N 目录</translation>
    </message>
</context>
<context>
    <name>stepwise::gui::ExtrasView</name>
    <message>
        <location filename="../gui/views/extras_view.cpp" line="60"/>
        <source>Plot</source>
        <translation>绘图</translation>
    </message>
    <message>
        <location filename="../gui/views/extras_view.cpp" line="60"/>
        <source>Key</source>
        <translation>键</translation>
    </message>
    <message>
        <location filename="../gui/views/extras_view.cpp" line="60"/>
        <source>Last value</source>
        <translation>最新值</translation>
    </message>
    <message>
        <location filename="../gui/views/extras_view.cpp" line="60"/>
        <source>Shape</source>
        <translation>形状</translation>
    </message>
    <message>
        <location filename="../gui/views/extras_view.cpp" line="60"/>
        <source>dtype</source>
        <translation>dtype</translation>
    </message>
    <message>
        <location filename="../gui/views/extras_view.cpp" line="60"/>
        <source>requires_grad</source>
        <translation>requires_grad</translation>
    </message>
    <message>
        <location filename="../gui/views/extras_view.cpp" line="62"/>
        <source>No extras yet. When training_step returns a dict, every key besides &quot;loss&quot; is an extra; Lightning passes them on undetached.</source>
        <translation>暂无额外输出。当 training_step 返回字典时，除 &quot;loss&quot; 以外的每个键都是额外输出；Lightning 会原样传递它们，不做 detach。</translation>
    </message>
    <message>
        <location filename="../gui/views/extras_view.cpp" line="65"/>
        <source>⚠ Extra %1 still holds an autograd graph (requires_grad or grad_fn). Lightning passes extras on without detaching them, so each batch keeps its graph alive. Return .detach() for logging.</source>
        <translation>⚠ 额外输出 %1 仍持有自动求导计算图（requires_grad 或 grad_fn）。Lightning 传递额外输出时不做 detach，因此每个批次的计算图都会被保留。用于记录时请返回 .detach()。</translation>
    </message>
    <message>
        <location filename="../gui/views/extras_view.cpp" line="119"/>
        <source>True</source>
        <translation>True</translation>
    </message>
    <message>
        <location filename="../gui/views/extras_view.cpp" line="119"/>
        <source>False</source>
        <translation>False</translation>
    </message>
</context>
<context>
    <name>stepwise::gui::LedgerView</name>
    <message>
        <location filename="../gui/views/ledger_view.cpp" line="114"/>
        <source>The ledger is measured while this dock is open: step or run a batch to fill it. It shows what each batch of an accumulation cycle adds to the gradient.</source>
        <translation>此面板打开时才测量账本：单步或运行一个批次即可填入。它显示累积周期中每个批次为梯度增加了多少。</translation>
    </message>
    <message>
        <location filename="../gui/views/ledger_view.cpp" line="118"/>
        <source>Cycle of batches %1–%2 (accumulate_grad_batches = %3): optimizer step at batch %4.</source>
        <translation>批次 %1–%2 的周期（accumulate_grad_batches = %3）：在批次 %4 执行优化器步骤。</translation>
    </message>
    <message>
        <location filename="../gui/views/ledger_view.cpp" line="125"/>
        <source>Accumulating: %1 of this cycle&apos;s batches so far; the shares follow at its optimizer step.</source>
        <translation>正在累积：此周期目前已有 %1 个批次；占比在其优化器步骤时给出。</translation>
    </message>
    <message>
        <location filename="../gui/views/ledger_view.cpp" line="144"/>
        <source>‖G‖ = %1 · before clipping %2 · after %3</source>
        <translation>‖G‖ = %1 · 裁剪前 %2 · 裁剪后 %3</translation>
    </message>
    <message>
        <location filename="../gui/views/ledger_view.cpp" line="149"/>
        <source>clip coefficient %1%2</source>
        <translation>裁剪系数 %1%2</translation>
    </message>
    <message>
        <location filename="../gui/views/ledger_view.cpp" line="151"/>
        <source> (clipped)</source>
        <translation>（已裁剪）</translation>
    </message>
    <message>
        <location filename="../gui/views/ledger_view.cpp" line="151"/>
        <source> (not clipped)</source>
        <translation>（未裁剪）</translation>
    </message>
    <message>
        <location filename="../gui/views/ledger_view.cpp" line="152"/>
        <source>no clipping by norm</source>
        <translation>未按范数裁剪</translation>
    </message>
    <message>
        <location filename="../gui/views/ledger_view.cpp" line="156"/>
        <source>‖G‖ and clipping: at the cycle&apos;s optimizer step.</source>
        <translation>‖G‖ 与裁剪：在周期的优化器步骤时给出。</translation>
    </message>
    <message>
        <location filename="../gui/views/ledger_view.cpp" line="167"/>
        <source>Update-to-weight ratio ‖Δθ‖/‖θ‖ of the step: %1 over all parameters</source>
        <translation>此步的更新/权重比 ‖Δθ‖/‖θ‖：所有参数合计 %1</translation>
    </message>
    <message>
        <location filename="../gui/views/ledger_view.cpp" line="169"/>
        <source>Update-to-weight ratio ‖Δθ‖/‖θ‖: at the cycle&apos;s optimizer step.</source>
        <translation>更新/权重比 ‖Δθ‖/‖θ‖：在周期的优化器步骤时给出。</translation>
    </message>
    <message>
        <location filename="../gui/views/ledger_view.cpp" line="174"/>
        <source>Batch</source>
        <translation>批次</translation>
    </message>
    <message>
        <location filename="../gui/views/ledger_view.cpp" line="174"/>
        <source>‖g_b‖ added</source>
        <translation>增加的 ‖g_b‖</translation>
    </message>
    <message>
        <location filename="../gui/views/ledger_view.cpp" line="174"/>
        <source>cos(g_b, G)</source>
        <translation>cos(g_b, G)</translation>
    </message>
    <message>
        <location filename="../gui/views/ledger_view.cpp" line="174"/>
        <source>Share of G</source>
        <translation>占 G 的比例</translation>
    </message>
    <message>
        <location filename="../gui/views/ledger_view.cpp" line="175"/>
        <source>Parameter</source>
        <translation>参数</translation>
    </message>
    <message>
        <location filename="../gui/views/ledger_view.cpp" line="175"/>
        <source>‖Δθ‖/‖θ‖</source>
        <translation>‖Δθ‖/‖θ‖</translation>
    </message>
</context>
<context>
    <name>stepwise::gui::LocalsView</name>
    <message>
        <location filename="../gui/views/locals_view.cpp" line="36"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../gui/views/locals_view.cpp" line="36"/>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../gui/views/locals_view.cpp" line="36"/>
        <source>Shape</source>
        <translation>形状</translation>
    </message>
    <message>
        <location filename="../gui/views/locals_view.cpp" line="36"/>
        <source>dtype</source>
        <translation>dtype</translation>
    </message>
    <message>
        <location filename="../gui/views/locals_view.cpp" line="36"/>
        <source>Autograd</source>
        <translation>自动求导</translation>
    </message>
    <message>
        <location filename="../gui/views/locals_view.cpp" line="36"/>
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <location filename="../gui/views/locals_view.cpp" line="73"/>
        <source>The variables of your code show here while a script&apos;s run holds at one of its lines: Run ▸ Step line (F7) from training_step, or a line breakpoint (line=train.py:42).</source>
        <translation>脚本的运行停在你代码的某一行时，这里列出该行的变量：在 training_step 处使用 运行 ▸ 单步行（F7），或设置行断点（line=train.py:42）。</translation>
    </message>
    <message>
        <location filename="../gui/views/locals_view.cpp" line="78"/>
        <source>&lt;b&gt;%1:%2&lt;/b&gt;, in &lt;b&gt;%3&lt;/b&gt; — the line about to run</source>
        <translation>&lt;b&gt;%1:%2&lt;/b&gt;，位于 &lt;b&gt;%3&lt;/b&gt; — 即将执行的行</translation>
    </message>
</context>
<context>
    <name>stepwise::gui::LogModel</name>
    <message numerus="yes">
        <location filename="../gui/views/log_model.cpp" line="163"/>
        <source>Run started: %n batch(es) per epoch</source>
        <translation>
            <numerusform>运行开始：每轮 %n 个批次</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../gui/views/log_model.cpp" line="176"/>
        <source>training_step returned None: %1</source>
        <translation>training_step 返回了 None：%1</translation>
    </message>
    <message>
        <location filename="../gui/views/log_model.cpp" line="168"/>
        <source>Run ended: %1</source>
        <translation>运行结束：%1</translation>
    </message>
    <message>
        <location filename="../gui/views/log_model.cpp" line="219"/>
        <source>info</source>
        <translation>信息</translation>
    </message>
    <message>
        <location filename="../gui/views/log_model.cpp" line="220"/>
        <source>Lightning warning</source>
        <translation>Lightning 警告</translation>
    </message>
    <message>
        <location filename="../gui/views/log_model.cpp" line="221"/>
        <source>Stepwise notice</source>
        <translation>Stepwise 提示</translation>
    </message>
    <message>
        <location filename="../gui/views/log_model.cpp" line="222"/>
        <source>None batch</source>
        <translation>None 批次</translation>
    </message>
    <message>
        <location filename="../gui/views/log_model.cpp" line="223"/>
        <source>error</source>
        <translation>错误</translation>
    </message>
    <message>
        <location filename="../gui/views/log_model.cpp" line="240"/>
        <source>epoch %1, batch %2</source>
        <translation>第 %1 轮，批次 %2</translation>
    </message>
    <message>
        <location filename="../gui/views/log_model.cpp" line="242"/>
        <source>epoch %1, batches %2–%3</source>
        <translation>第 %1 轮，批次 %2–%3</translation>
    </message>
    <message>
        <location filename="../gui/views/log_model.cpp" line="253"/>
        <source>%1 (×%2)</source>
        <translation>%1（×%2）</translation>
    </message>
    <message>
        <location filename="../gui/views/log_model.cpp" line="276"/>
        <source>Kind</source>
        <translation>类别</translation>
    </message>
    <message>
        <location filename="../gui/views/log_model.cpp" line="277"/>
        <source>Where</source>
        <translation>位置</translation>
    </message>
    <message>
        <location filename="../gui/views/log_model.cpp" line="278"/>
        <source>Message</source>
        <translation>消息</translation>
    </message>
</context>
<context>
    <name>stepwise::gui::LogView</name>
    <message>
        <location filename="../gui/views/log_view.cpp" line="125"/>
        <source>%1 Lightning warning(s) · %2 Stepwise notice(s) · %3 None batch(es) · %4 error(s)</source>
        <translation>%1 条 Lightning 警告 · %2 条 Stepwise 提示 · %3 个 None 批次 · %4 个错误</translation>
    </message>
    <message>
        <location filename="../gui/views/log_view.cpp" line="130"/>
        <source> · %1 oldest entries dropped</source>
        <translation> · 已丢弃最早的 %1 条记录</translation>
    </message>
    <message>
        <location filename="../gui/views/log_view.cpp" line="114"/>
        <source>Lightning warning</source>
        <translation>Lightning 警告</translation>
    </message>
    <message>
        <location filename="../gui/views/log_view.cpp" line="114"/>
        <source>Stepwise notice</source>
        <translation>Stepwise 提示</translation>
    </message>
    <message>
        <location filename="../gui/views/log_view.cpp" line="114"/>
        <source>None batch</source>
        <translation>None 批次</translation>
    </message>
</context>
<context>
    <name>stepwise::gui::LossPlot</name>
    <message>
        <location filename="../gui/views/loss_plot.cpp" line="238"/>
        <source>Raw loss</source>
        <translation>原始损失</translation>
    </message>
    <message>
        <location filename="../gui/views/loss_plot.cpp" line="240"/>
        <source>The loss as training_step returned it, before Lightning divides it by accumulate_grad_batches</source>
        <translation>training_step 返回的损失，即 Lightning 除以 accumulate_grad_batches 之前的值</translation>
    </message>
    <message>
        <location filename="../gui/views/loss_plot.cpp" line="242"/>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <location filename="../gui/views/loss_plot.cpp" line="244"/>
        <source>The learning rate each batch trained with, on its own axis; it turns on by itself when an lr scheduler changes it</source>
        <translation>每个批次训练时使用的学习率，绘制在单独的坐标轴上；学习率调度器改变它时会自动显示</translation>
    </message>
    <message>
        <location filename="../gui/views/loss_plot.cpp" line="246"/>
        <source>learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <location filename="../gui/views/loss_plot.cpp" line="247"/>
        <source>lr</source>
        <translation>学习率</translation>
    </message>
    <message>
        <location filename="../gui/views/loss_plot.cpp" line="248"/>
        <source>x axis:</source>
        <translation>横轴：</translation>
    </message>
    <message>
        <location filename="../gui/views/loss_plot.cpp" line="249"/>
        <source>batch</source>
        <translation>批次</translation>
    </message>
    <message>
        <location filename="../gui/views/loss_plot.cpp" line="250"/>
        <location filename="../gui/views/loss_plot.cpp" line="263"/>
        <location filename="../gui/views/loss_plot.cpp" line="266"/>
        <source>global_step</source>
        <translation>global_step</translation>
    </message>
    <message>
        <location filename="../gui/views/loss_plot.cpp" line="251"/>
        <source>Follow</source>
        <translation>跟随</translation>
    </message>
    <message>
        <location filename="../gui/views/loss_plot.cpp" line="252"/>
        <source>Keep the newest batches in view</source>
        <translation>始终显示最新的批次</translation>
    </message>
    <message>
        <location filename="../gui/views/loss_plot.cpp" line="253"/>
        <source>Reset view</source>
        <translation>重置视图</translation>
    </message>
    <message>
        <location filename="../gui/views/loss_plot.cpp" line="254"/>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <location filename="../gui/views/loss_plot.cpp" line="256"/>
        <source>loss (normalised, as Lightning reports it)</source>
        <translation>损失（已归一化，即 Lightning 报告的值）</translation>
    </message>
    <message>
        <location filename="../gui/views/loss_plot.cpp" line="257"/>
        <source>raw loss (as returned)</source>
        <translation>原始损失（返回值）</translation>
    </message>
    <message>
        <location filename="../gui/views/loss_plot.cpp" line="258"/>
        <source>smoothed (EMA)</source>
        <translation>平滑（EMA）</translation>
    </message>
    <message>
        <location filename="../gui/views/loss_plot.cpp" line="259"/>
        <source>returned None</source>
        <translation>返回了 None</translation>
    </message>
    <message>
        <location filename="../gui/views/loss_plot.cpp" line="260"/>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../gui/views/loss_plot.cpp" line="262"/>
        <source>batch (over all epochs)</source>
        <translation>批次（跨所有轮次）</translation>
    </message>
    <message>
        <location filename="../gui/views/loss_plot.cpp" line="264"/>
        <source>loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <location filename="../gui/views/loss_plot.cpp" line="265"/>
        <source>extras</source>
        <translation>额外输出</translation>
    </message>
    <message>
        <location filename="../gui/views/loss_plot.cpp" line="266"/>
        <source>batch_idx</source>
        <translation>batch_idx</translation>
    </message>
    <message>
        <location filename="../gui/views/loss_plot.cpp" line="266"/>
        <source>cycle</source>
        <translation>周期</translation>
    </message>
    <message>
        <location filename="../gui/views/loss_plot.cpp" line="279"/>
        <source>Smoothing %1</source>
        <translation>平滑 %1</translation>
    </message>
    <message>
        <location filename="../gui/views/loss_plot.cpp" line="413"/>
        <source>self.log: %1</source>
        <translation>self.log：%1</translation>
    </message>
    <message>
        <location filename="../gui/views/loss_plot_fill.cpp" line="153"/>
        <source>Once a batch ends, this line follows its loss from training_step to the plot; point at a batch to see its own.</source>
        <translation>批次结束后，这一行会追踪其损失从 training_step 到图上的过程；指向某个批次可查看它自己的数值。</translation>
    </message>
    <message>
        <location filename="../gui/views/loss_plot.cpp" line="416"/>
        <source>extra: %1</source>
        <translation>额外输出：%1</translation>
    </message>
    <message>
        <location filename="../gui/views/loss_plot_fill.cpp" line="138"/>
        <source>shaded: accumulation cycles of %1 · line: the stepping batch</source>
        <translation>阴影：每 %1 个批次的累积周期 · 竖线：执行优化步骤的批次</translation>
    </message>
</context>
<context>
    <name>stepwise::gui::MainWindow</name>
    <message>
        <location filename="../gui/app/main_window.cpp" line="288"/>
        <source>About Stepwise</source>
        <translation>关于 Stepwise</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window.cpp" line="289"/>
        <source>&lt;h3&gt;Stepwise&lt;/h3&gt;&lt;p&gt;Steps a LibTorch training loop exactly the way PyTorch Lightning&apos;s automatic optimization runs it: one stage, one closure call, one batch at a time.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Stepwise&lt;/h3&gt;&lt;p&gt;完全按照 PyTorch Lightning 自动优化的方式逐步运行 LibTorch 训练循环：一次一个阶段、一次闭包调用、一个批次。&lt;/p&gt;</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window_status.cpp" line="43"/>
        <source>parity: go back to compare a batch with its first pass</source>
        <translation>一致性：回退后可将批次与其首次计算比较</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window_status.cpp" line="45"/>
        <source>parity: no batch has ended yet</source>
        <translation>一致性：尚无批次结束</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window_status.cpp" line="46"/>
        <source>parity: waiting — the unwatched run computes while this one holds</source>
        <translation>一致性：等待中——无人观察的运行在本运行暂停时计算</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window_status.cpp" line="51"/>
        <source>✓ parity: %1 recomputed batches bit-identical to their first pass</source>
        <translation>✓ 一致性：%1 个重新计算的批次与首次计算逐位相同</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window_status.cpp" line="53"/>
        <source>✓ parity: %1 batches bit-identical to an unwatched run</source>
        <translation>✓ 一致性：%1 个批次与无人观察的运行逐位相同</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window_status.cpp" line="56"/>
        <source> · %1 more to compare</source>
        <translation> · 还有 %1 个待比较</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window_status.cpp" line="62"/>
        <source>✗ parity: epoch %1, batch %2 recomputed differs from its first pass</source>
        <translation>✗ 一致性：第 %1 轮、批次 %2 重新计算后与首次计算不同</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window_status.cpp" line="63"/>
        <source>✗ parity: epoch %1, batch %2 differs from an unwatched run</source>
        <translation>✗ 一致性：第 %1 轮、批次 %2 与无人观察的运行不同</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window_status.cpp" line="70"/>
        <source>parity: the unwatched run failed: %1</source>
        <translation>一致性：无人观察的运行失败：%1</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window_status.cpp" line="79"/>
        <source>The parity meter of a script: its Python objects exist once, so there is no unwatched copy to compare with. Each batch recomputed after going back is compared with the same batch&apos;s first pass, by a checksum of the parameters: red means going back did not put back everything the batch depends on (state Stepwise could not copy, named in the log, or kept outside the module).</source>
        <translation>脚本的一致性检查：脚本的 Python 对象在进程中只有一份，因此没有无人观察的副本可供比较。回退后重新计算的每个批次都按参数校验和与同一批次的首次计算比较：红色表示回退没有恢复该批次依赖的全部状态（Stepwise 无法复制的状态会在日志中列出，或状态保存在模块之外）。</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window_status.cpp" line="84"/>
        <source>The parity meter: a headless run of the same config, never held, checksums the parameters after every batch. This run&apos;s checksums must match it bit for bit: stepping, pausing, breakpoints and going back do not change what training computes. It runs on a thread of its own and only while this run holds or after it ends, so it takes none of this run&apos;s time.</source>
        <translation>一致性计：一个相同配置、无界面、从不暂停的运行在每个批次后计算参数的校验和。本运行的校验和必须与之逐位相同：单步、暂停、断点和回退都不会改变训练的计算结果。它在自己的线程上运行，且只在本运行暂停时或结束后计算，因此不占用本运行的任何时间。</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window_status.cpp" line="95"/>
        <source>epoch %1</source>
        <translation>第 %1 轮</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window_status.cpp" line="96"/>
        <source>batch –</source>
        <translation>批次 –</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window_status.cpp" line="96"/>
        <source>batch %1</source>
        <translation>批次 %1</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window_status.cpp" line="97"/>
        <source>global_step %1</source>
        <translation>global_step %1</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window_status.cpp" line="98"/>
        <source>optimizer steps %1</source>
        <translation>优化器步数 %1</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window_status.cpp" line="102"/>
        <source>no session</source>
        <translation>无会话</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window_status.cpp" line="103"/>
        <source>loading</source>
        <translation>加载中</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window_status.cpp" line="104"/>
        <source>paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window_status.cpp" line="105"/>
        <source>running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window_status.cpp" line="106"/>
        <source>stepping</source>
        <translation>单步执行中</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window_status.cpp" line="107"/>
        <source>finished</source>
        <translation>已完成</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window_status.cpp" line="108"/>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window_status.cpp" line="109"/>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window_status.cpp" line="111"/>
        <source>&lt;b&gt;%1&lt;/b&gt;</source>
        <translation>&lt;b&gt;%1&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window.cpp" line="423"/>
        <source>lesson %1</source>
        <translation>课程 %1</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window.cpp" line="426"/>
        <source>%1 (edited in the Source tab)</source>
        <translation>%1（已在“源代码”页中编辑）</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window.cpp" line="428"/>
        <source>%1 (replay)</source>
        <translation>%1（回放）</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window.cpp" line="429"/>
        <source>attached to %1</source>
        <translation>已连接到 %1</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window.cpp" line="432"/>
        <source>%1 — Stepwise</source>
        <translation>%1 — Stepwise</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window.cpp" line="452"/>
        <source>compiled TorchScript module: no source to edit</source>
        <translation>已编译的 TorchScript 模块：没有可编辑的源代码</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window_open.cpp" line="59"/>
        <source>Cannot open lesson</source>
        <translation>无法打开课程</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window_open.cpp" line="67"/>
        <location filename="../gui/app/main_window_open.cpp" line="145"/>
        <source>Cannot open %1</source>
        <translation>无法打开 %1</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window_open.cpp" line="68"/>
        <source>The trace holds no events.</source>
        <translation>该轨迹不含任何事件。</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window_open.cpp" line="74"/>
        <source>Trace cut short</source>
        <translation>轨迹不完整</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window_open.cpp" line="75"/>
        <source>Replaying the %1 events before the point where the trace stops:
%2</source>
        <translation>回放轨迹中断之前的 %1 个事件：
%2</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window_open.cpp" line="90"/>
        <source>Cannot attach</source>
        <translation>无法连接</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window_open.cpp" line="126"/>
        <source>%1: no such script</source>
        <translation>%1：没有这个脚本</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window_open.cpp" line="154"/>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window_open.cpp" line="155"/>
        <source>Stepwise files (*.json *.py *.pt *.stepwise *.jsonl);;Run configs (*.json);;Lightning scripts (*.py);;TorchScript modules (*.pt);;Stepwise sources (*.stepwise);;Recorded runs (*.jsonl);;All files (*)</source>
        <translation>Stepwise 文件 (*.json *.py *.pt *.stepwise *.jsonl);;运行配置 (*.json);;Lightning 脚本 (*.py);;TorchScript 模块 (*.pt);;Stepwise 源文件 (*.stepwise);;录制的运行 (*.jsonl);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window.cpp" line="431"/>
        <source>Stepwise — Lightning automatic optimization, step by step</source>
        <translation>Stepwise — 逐步查看 Lightning 自动优化</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window.cpp" line="502"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window.cpp" line="503"/>
        <source>&amp;Open…</source>
        <translation>打开(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window.cpp" line="504"/>
        <source>&amp;Attach to a running stepwise-run…</source>
        <translation>连接到正在运行的 stepwise-run(&amp;A)…</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window.cpp" line="505"/>
        <source>&amp;Lessons</source>
        <translation>课程(&amp;L)</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window.cpp" line="511"/>
        <source>%1 — %2</source>
        <translation>%1 — %2</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window.cpp" line="513"/>
        <source>Open &amp;recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window.cpp" line="514"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window.cpp" line="515"/>
        <source>&amp;Run</source>
        <translation>运行(&amp;R)</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window.cpp" line="516"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window.cpp" line="517"/>
        <source>Reset &amp;layout</source>
        <translation>重置布局(&amp;L)</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window.cpp" line="518"/>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window.cpp" line="519"/>
        <source>System language</source>
        <translation>系统语言</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window.cpp" line="522"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window.cpp" line="523"/>
        <source>&amp;About Stepwise</source>
        <translation>关于 Stepwise(&amp;A)</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window.cpp" line="524"/>
        <source>Run controls</source>
        <translation>运行控制</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window.cpp" line="525"/>
        <source>Replay timeline</source>
        <translation>回放时间轴</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window.cpp" line="526"/>
        <source>Configuration</source>
        <translation>配置</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window.cpp" line="527"/>
        <source>Source</source>
        <translation>源代码</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window.cpp" line="528"/>
        <source>Loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window.cpp" line="529"/>
        <source>Warnings and log</source>
        <translation>警告与日志</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window.cpp" line="530"/>
        <source>training_step output</source>
        <translation>training_step 输出</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window.cpp" line="531"/>
        <source>Extras</source>
        <translation>额外输出</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window.cpp" line="532"/>
        <source>Metrics</source>
        <translation>指标</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window.cpp" line="533"/>
        <source>Locals</source>
        <translation>局部变量</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window.cpp" line="534"/>
        <source>Breakpoints</source>
        <translation>断点</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window.cpp" line="535"/>
        <source>Code</source>
        <translation>代码</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window.cpp" line="536"/>
        <source>Tensors</source>
        <translation>张量</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window.cpp" line="537"/>
        <source>Accumulation ledger</source>
        <translation>累积账本</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window_compare.cpp" line="98"/>
        <source>With the Configuration panel&apos;s settings</source>
        <translation>使用“配置”面板的设置</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window_compare.cpp" line="99"/>
        <source>Learning rate × 10</source>
        <translation>学习率 × 10</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window_compare.cpp" line="100"/>
        <source>Learning rate ÷ 10</source>
        <translation>学习率 ÷ 10</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window_compare.cpp" line="101"/>
        <source>Momentum 0.9, or none</source>
        <translation>动量 0.9，或不用动量</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window_compare.cpp" line="102"/>
        <source>Clip gradients at norm 1, or not at all</source>
        <translation>按范数 1 裁剪梯度，或不裁剪</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window_compare.cpp" line="103"/>
        <source>Accumulate twice as many batches</source>
        <translation>累积两倍的批次数</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window_compare.cpp" line="104"/>
        <source>zero_grad in the other mode</source>
        <translation>zero_grad 换用另一种模式</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window_compare.cpp" line="105"/>
        <source>The other optimizer (SGD ↔ Adam)</source>
        <translation>换用另一种优化器（SGD ↔ Adam）</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window_compare.cpp" line="106"/>
        <source>Skip zero_grad</source>
        <translation>跳过 zero_grad</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window_compare.cpp" line="107"/>
        <source>Do not divide the loss by N</source>
        <translation>损失不除以 N</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window_compare.cpp" line="108"/>
        <source>Step on every batch</source>
        <translation>每个批次都执行优化器步</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window_compare.cpp" line="110"/>
        <source>Backpropagate through graph-holding extras</source>
        <translation>对持有计算图的额外项也反向传播</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window_compare.cpp" line="119"/>
        <source>A script&apos;s run cannot be forked or compared side by side: its Python objects (the module, the optimizer, the Trainer) exist once in this process. Go back instead (Run ▸ Back one batch), or run the script again with the change.</source>
        <translation>脚本的运行不能分叉，也不能并排比较：它的 Python 对象（模块、优化器、Trainer）在此进程中只有一份。请改用回退（运行 ▸ 后退一个批次），或修改后再次运行脚本。</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window_compare.cpp" line="137"/>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window_compare.cpp" line="146"/>
        <location filename="../gui/app/main_window_compare.cpp" line="150"/>
        <source>Cannot fork</source>
        <translation>无法分叉</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window_compare.cpp" line="147"/>
        <source>Only a run in this window can be forked: open a lesson or a config first.</source>
        <translation>只能对本窗口中的运行分叉：请先打开一个课程或配置。</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window_compare.cpp" line="160"/>
        <source>as it is</source>
        <translation>保持原样</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window_compare.cpp" line="162"/>
        <source>Cannot fork here</source>
        <translation>无法在此分叉</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window_compare.cpp" line="163"/>
        <source>A fork starts where the run holds, from its snapshot: pause the run or step it first. A run whose snapshot budget is 0 (rewind.budget_mb) cannot be forked.</source>
        <translation>分叉从运行暂停之处、以其快照开始：请先暂停运行或单步执行。快照预算为 0（rewind.budget_mb）的运行无法分叉。</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window_compare.cpp" line="266"/>
        <location filename="../gui/app/main_window_compare.cpp" line="270"/>
        <source>Cannot compare</source>
        <translation>无法对比</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window_compare.cpp" line="267"/>
        <source>Only a run in this window can be compared: open a lesson or a config first.</source>
        <translation>只能对比本窗口中的运行：请先打开一个课程或配置。</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window_compare.cpp" line="274"/>
        <source>as it was</source>
        <translation>原配置</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window_compare.cpp" line="274"/>
        <source>with the panel&apos;s settings</source>
        <translation>使用面板的设置</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window_compare.cpp" line="278"/>
        <source>&amp;Compare</source>
        <translation>对比(&amp;C)</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window_compare.cpp" line="283"/>
        <source>With the Configuration panel&apos;s settings as run B</source>
        <translation>以“配置”面板的设置作为运行 B</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window_compare.cpp" line="285"/>
        <source>Run A keeps its config; run B starts with what the Configuration panel says now. Both start again from the same seed.</source>
        <translation>运行 A 保持其配置；运行 B 使用“配置”面板当前的设置。两者都从相同的种子重新开始。</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window_compare.cpp" line="287"/>
        <source>End comparison</source>
        <translation>结束对比</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window_compare.cpp" line="288"/>
        <source>&amp;Fork here</source>
        <translation>在此分叉(&amp;F)</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window_compare.cpp" line="291"/>
        <source>Run B starts where the run holds, from its exact state, with one thing changed; the two then go on side by side</source>
        <translation>运行 B 从本运行暂停之处、以其完全相同的状态开始，只改动一处；之后两者并排继续</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window_compare.cpp" line="295"/>
        <source>Not what Lightning does</source>
        <translation>不是 Lightning 的做法</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window_compare.cpp" line="298"/>
        <location filename="../gui/app/main_window_compare.cpp" line="316"/>
        <source>A · %1</source>
        <translation>A · %1</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window_compare.cpp" line="299"/>
        <location filename="../gui/app/main_window_compare.cpp" line="317"/>
        <source>B · %1</source>
        <translation>B · %1</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window_compare.cpp" line="307"/>
        <source>Run B was forked from run A where it held: everything before that batch is run A&apos;s</source>
        <translation>运行 B 是从运行 A 暂停之处分叉出来的：该批次之前的一切都来自运行 A</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window_compare.cpp" line="323"/>
        <source>Run B stopped with an error: its log says where and why</source>
        <translation>运行 B 因错误而停止：它的日志说明了出错的位置和原因</translation>
    </message>
    <message>
        <location filename="../gui/app/main_window_compare.cpp" line="324"/>
        <source>Run B&apos;s warnings, None batches and errors</source>
        <translation>运行 B 的警告、返回 None 的批次和错误</translation>
    </message>
</context>
<context>
    <name>stepwise::gui::MetricsView</name>
    <message>
        <location filename="../gui/views/metrics_view.cpp" line="39"/>
        <source>Plot</source>
        <translation>绘图</translation>
    </message>
    <message>
        <location filename="../gui/views/metrics_view.cpp" line="39"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../gui/views/metrics_view.cpp" line="39"/>
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <location filename="../gui/views/metrics_view.cpp" line="39"/>
        <source>From</source>
        <translation>来自</translation>
    </message>
    <message>
        <location filename="../gui/views/metrics_view.cpp" line="39"/>
        <source>Lightning puts it in</source>
        <translation>Lightning 放入的字典</translation>
    </message>
    <message>
        <location filename="../gui/views/metrics_view.cpp" line="41"/>
        <source>Nothing logged yet. What your script&apos;s self.log and self.log_dict record shows here, under the names Lightning gives it (loss_step and loss_epoch when a value is logged both on step and on epoch).</source>
        <translation>尚未记录任何值。脚本中 self.log 与 self.log_dict 记录的值显示在这里，名称与 Lightning 给出的一致（同时按步与按轮记录的值名为 loss_step 与 loss_epoch）。</translation>
    </message>
    <message>
        <location filename="../gui/views/metrics_view.cpp" line="92"/>
        <source>epoch %1</source>
        <translation>第 %1 轮</translation>
    </message>
    <message>
        <location filename="../gui/views/metrics_view.cpp" line="93"/>
        <source>step %1</source>
        <translation>第 %1 步</translation>
    </message>
    <message>
        <location filename="../gui/views/metrics_view.cpp" line="95"/>
        <source>epoch</source>
        <translation>轮末</translation>
    </message>
    <message>
        <location filename="../gui/views/metrics_view.cpp" line="95"/>
        <source>this batch</source>
        <translation>本批次</translation>
    </message>
    <message>
        <location filename="../gui/views/metrics_view.cpp" line="103"/>
        <source>The loggers get it (every log_every_n_steps steps, and at the epoch&apos;s end)</source>
        <translation>记录器会收到它（每 log_every_n_steps 步一次，以及每轮结束时）</translation>
    </message>
    <message>
        <location filename="../gui/views/metrics_view.cpp" line="105"/>
        <source>logger=False: the loggers never get it</source>
        <translation>logger=False：记录器永远收不到它</translation>
    </message>
</context>
<context>
    <name>stepwise::gui::OutputInspector</name>
    <message>
        <location filename="../gui/views/output_inspector.cpp" line="44"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../gui/views/output_inspector.cpp" line="44"/>
        <source>Kind</source>
        <translation>类别</translation>
    </message>
    <message>
        <location filename="../gui/views/output_inspector.cpp" line="44"/>
        <source>Shape</source>
        <translation>形状</translation>
    </message>
    <message>
        <location filename="../gui/views/output_inspector.cpp" line="44"/>
        <source>dtype</source>
        <translation>dtype</translation>
    </message>
    <message>
        <location filename="../gui/views/output_inspector.cpp" line="45"/>
        <source>requires_grad</source>
        <translation>requires_grad</translation>
    </message>
    <message>
        <location filename="../gui/views/output_inspector.cpp" line="45"/>
        <source>grad_fn</source>
        <translation>grad_fn</translation>
    </message>
    <message>
        <location filename="../gui/views/output_inspector.cpp" line="44"/>
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <location filename="../gui/views/output_inspector.cpp" line="47"/>
        <source>&lt;b&gt;training_step&lt;/b&gt; has not returned yet</source>
        <translation>&lt;b&gt;training_step&lt;/b&gt; 尚未返回</translation>
    </message>
    <message>
        <location filename="../gui/views/output_inspector.cpp" line="51"/>
        <source>&lt;b&gt;training_step&lt;/b&gt; returned at epoch %1, batch %2</source>
        <translation>&lt;b&gt;training_step&lt;/b&gt; 在第 %1 轮、批次 %2 返回</translation>
    </message>
    <message>
        <location filename="../gui/views/output_inspector.cpp" line="54"/>
        <source> (closure evaluation %1)</source>
        <translation>（第 %1 次闭包求值）</translation>
    </message>
    <message>
        <location filename="../gui/views/output_inspector.cpp" line="56"/>
        <source>Lightning classified it as: &lt;b&gt;%1&lt;/b&gt;</source>
        <translation>Lightning 将其归类为：&lt;b&gt;%1&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../gui/views/output_inspector.cpp" line="84"/>
        <source>True</source>
        <translation>True</translation>
    </message>
    <message>
        <location filename="../gui/views/output_inspector.cpp" line="84"/>
        <source>False</source>
        <translation>False</translation>
    </message>
    <message>
        <location filename="../gui/views/output_inspector.cpp" line="99"/>
        <source>returned</source>
        <translation>返回值</translation>
    </message>
    <message>
        <location filename="../gui/views/output_inspector.cpp" line="113"/>
        <source>the loss: Lightning divides it by N and calls backward on it</source>
        <translation>损失：Lightning 将其除以 N 并对其调用 backward</translation>
    </message>
    <message>
        <location filename="../gui/views/output_inspector.cpp" line="116"/>
        <source>an extra: passed on to on_train_batch_end undetached</source>
        <translation>额外输出：不做 detach 直接传给 on_train_batch_end</translation>
    </message>
</context>
<context>
    <name>stepwise::gui::PipelineView</name>
    <message>
        <location filename="../gui/views/pipeline_view.cpp" line="118"/>
        <source>hook: a new batch begins</source>
        <translation>钩子：新批次开始</translation>
    </message>
    <message>
        <location filename="../gui/views/pipeline_view.cpp" line="119"/>
        <source>the optimizer calls the closure</source>
        <translation>优化器调用闭包</translation>
    </message>
    <message>
        <location filename="../gui/views/pipeline_view.cpp" line="120"/>
        <source>your training_step: forward pass and loss</source>
        <translation>你的 training_step：前向传播与损失</translation>
    </message>
    <message>
        <location filename="../gui/views/pipeline_view.cpp" line="121"/>
        <source>hook, first batch of a cycle only</source>
        <translation>钩子，仅在周期的第一个批次</translation>
    </message>
    <message>
        <location filename="../gui/views/pipeline_view.cpp" line="122"/>
        <source>clear .grad — after the forward pass</source>
        <translation>清除 .grad — 在前向传播之后</translation>
    </message>
    <message>
        <location filename="../gui/views/pipeline_view.cpp" line="123"/>
        <source>hook, only when there is a loss</source>
        <translation>钩子，仅在有损失时</translation>
    </message>
    <message>
        <location filename="../gui/views/pipeline_view.cpp" line="124"/>
        <source>loss.backward(): gradients accumulate</source>
        <translation>loss.backward()：梯度累积</translation>
    </message>
    <message>
        <location filename="../gui/views/pipeline_view.cpp" line="125"/>
        <source>hook: gradients are ready</source>
        <translation>钩子：梯度已就绪</translation>
    </message>
    <message>
        <location filename="../gui/views/pipeline_view.cpp" line="126"/>
        <source>hook, after every closure evaluation</source>
        <translation>钩子，每次闭包求值之后</translation>
    </message>
    <message>
        <location filename="../gui/views/pipeline_view.cpp" line="128"/>
        <source>clip gradients (after every evaluation)</source>
        <translation>裁剪梯度（每次求值之后）</translation>
    </message>
    <message>
        <location filename="../gui/views/pipeline_view.cpp" line="130"/>
        <source>scheduler.step(): after an optimizer step, at its interval and frequency</source>
        <translation>scheduler.step()：在优化器步进之后，按其 interval 和 frequency 执行</translation>
    </message>
    <message>
        <location filename="../gui/views/pipeline_view.cpp" line="131"/>
        <source>hook: outputs = {&quot;loss&quot;: loss / N}</source>
        <translation>钩子：outputs = {&quot;loss&quot;: loss / N}</translation>
    </message>
    <message>
        <location filename="../gui/views/pipeline_view.cpp" line="282"/>
        <source>parameter update</source>
        <translation>参数更新</translation>
    </message>
    <message>
        <location filename="../gui/views/pipeline_view.cpp" line="296"/>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../gui/views/pipeline_view.cpp" line="298"/>
        <source>skipped</source>
        <translation>已跳过</translation>
    </message>
    <message>
        <location filename="../gui/views/pipeline_view.cpp" line="300"/>
        <source>torch applies the step to the parameters</source>
        <translation>torch 将更新应用到参数</translation>
    </message>
    <message>
        <location filename="../gui/views/pipeline_view.cpp" line="337"/>
        <source>held here</source>
        <translation>停在此处</translation>
    </message>
    <message>
        <location filename="../gui/views/pipeline_view.cpp" line="360"/>
        <source>Run ended (%1)</source>
        <translation>运行结束（%1）</translation>
    </message>
    <message>
        <location filename="../gui/views/pipeline_view.cpp" line="361"/>
        <source>Ready: no batch has started</source>
        <translation>就绪：尚未开始任何批次</translation>
    </message>
    <message>
        <location filename="../gui/views/pipeline_view.cpp" line="363"/>
        <source>Epoch %1 · batch %2 of %3</source>
        <translation>第 %1 轮 · 批次 %2 / %3</translation>
    </message>
    <message>
        <location filename="../gui/views/pipeline_view.cpp" line="368"/>
        <source>Epoch %1 · batch %2</source>
        <translation>第 %1 轮 · 批次 %2</translation>
    </message>
    <message>
        <location filename="../gui/views/pipeline_view.cpp" line="378"/>
        <source>batch %1 of %2, stepping</source>
        <translation>周期内第 %1/%2 个批次，执行优化步骤</translation>
    </message>
    <message>
        <location filename="../gui/views/pipeline_view.cpp" line="379"/>
        <source>batch %1 of %2, accumulating</source>
        <translation>周期内第 %1/%2 个批次，累积中</translation>
    </message>
    <message>
        <location filename="../gui/views/pipeline_view.cpp" line="383"/>
        <source>N = 1, every batch steps</source>
        <translation>N = 1，每个批次都执行优化步骤</translation>
    </message>
    <message>
        <location filename="../gui/views/pipeline_view.cpp" line="386"/>
        <source>closure evaluation %1 of this optimizer step</source>
        <translation>本次优化器步骤的第 %1 次闭包求值</translation>
    </message>
    <message>
        <location filename="../gui/views/pipeline_view.cpp" line="387"/>
        <source>closure call %1</source>
        <translation>第 %1 次闭包调用</translation>
    </message>
    <message>
        <location filename="../gui/views/pipeline_view.cpp" line="392"/>
        <source>global_step %1</source>
        <translation>global_step %1</translation>
    </message>
    <message>
        <location filename="../gui/views/pipeline_view.cpp" line="395"/>
        <source>run %1</source>
        <translation>运行 %1</translation>
    </message>
    <message>
        <location filename="../gui/views/pipeline_view.cpp" line="460"/>
        <source>batch %1</source>
        <translation>批次 %1</translation>
    </message>
    <message>
        <location filename="../gui/views/pipeline_view.cpp" line="460"/>
        <source>batch</source>
        <translation>批次</translation>
    </message>
    <message>
        <location filename="../gui/views/pipeline_view.cpp" line="461"/>
        <source>training_epoch_loop → automatic optimization</source>
        <translation>training_epoch_loop → 自动优化</translation>
    </message>
    <message>
        <location filename="../gui/views/pipeline_view.cpp" line="499"/>
        <source>held here: about to call the optimizer</source>
        <translation>停在此处：即将调用优化器</translation>
    </message>
    <message>
        <location filename="../gui/views/pipeline_view.cpp" line="500"/>
        <source>the optimizer is running the closure</source>
        <translation>优化器正在运行闭包</translation>
    </message>
    <message>
        <location filename="../gui/views/pipeline_view.cpp" line="525"/>
        <source>evaluation %1</source>
        <translation>第 %1 次求值</translation>
    </message>
    <message>
        <location filename="../gui/views/pipeline_view.cpp" line="531"/>
        <source>called directly by the loop (accumulating)</source>
        <translation>由循环直接调用（累积中）</translation>
    </message>
    <message>
        <location filename="../gui/views/pipeline_view.cpp" line="533"/>
        <source>not called on this batch</source>
        <translation>本批次未调用</translation>
    </message>
    <message>
        <location filename="../gui/views/pipeline_view.cpp" line="147"/>
        <source>not reached: optimizer.step raised</source>
        <translation>未执行：optimizer.step 抛出了异常</translation>
    </message>
    <message numerus="yes">
        <location filename="../gui/views/pipeline_view.cpp" line="502"/>
        <source>inside step(): %n closure evaluation(s) so far; it counts as one step</source>
        <translation>
            <numerusform>step() 内部：目前已求值闭包 %n 次；仍只算一步</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>stepwise::gui::ReplayBar</name>
    <message>
        <location filename="../gui/views/replay_bar.cpp" line="30"/>
        <location filename="../gui/views/replay_bar.cpp" line="68"/>
        <source>Replay</source>
        <translation>回放</translation>
    </message>
    <message>
        <location filename="../gui/views/replay_bar.cpp" line="50"/>
        <source>event %1 of %2 · epoch %3 · batch %4</source>
        <translation>事件 %1 / %2 · 第 %3 轮 · 批次 %4</translation>
    </message>
</context>
<context>
    <name>stepwise::gui::RewindSlider</name>
    <message>
        <location filename="../gui/views/rewind_slider.cpp" line="59"/>
        <source>now</source>
        <translation>当前</translation>
    </message>
    <message>
        <location filename="../gui/views/rewind_slider.cpp" line="63"/>
        <source>epoch %1 · batch %2</source>
        <translation>第 %1 轮 · 批次 %2</translation>
    </message>
    <message>
        <location filename="../gui/views/rewind_slider.cpp" line="67"/>
        <source>Go back to:</source>
        <translation>回退到：</translation>
    </message>
    <message>
        <location filename="../gui/views/rewind_slider.cpp" line="69"/>
        <source>Drag to an earlier batch and let go: the run goes back to that batch&apos;s start and holds there (what follows is recomputed, exactly as it ran)</source>
        <translation>拖到更早的批次后松开：运行回退到该批次开始处并在那里暂停（之后的内容按原样精确重新计算）</translation>
    </message>
</context>
<context>
    <name>stepwise::gui::RunActions</name>
    <message>
        <location filename="../gui/app/run_actions.cpp" line="145"/>
        <source>full speed</source>
        <translation>全速</translation>
    </message>
    <message>
        <location filename="../gui/app/run_actions.cpp" line="145"/>
        <source>%1 ms/stage</source>
        <translation>%1 毫秒/阶段</translation>
    </message>
    <message>
        <location filename="../gui/app/run_actions.cpp" line="149"/>
        <source>Step &amp;stage</source>
        <translation>单步阶段(&amp;S)</translation>
    </message>
    <message>
        <location filename="../gui/app/run_actions.cpp" line="150"/>
        <source>Run to the next stage boundary (F11)</source>
        <translation>运行到下一个阶段边界（F11）</translation>
    </message>
    <message>
        <location filename="../gui/app/run_actions.cpp" line="151"/>
        <source>Step &amp;closure call</source>
        <translation>单步闭包调用(&amp;C)</translation>
    </message>
    <message>
        <location filename="../gui/app/run_actions.cpp" line="153"/>
        <source>Run to the next closure call: the next training_step, or the batch&apos;s end (F10)</source>
        <translation>运行到下一次闭包调用：下一个 training_step，或批次结束（F10）</translation>
    </message>
    <message>
        <location filename="../gui/app/run_actions.cpp" line="154"/>
        <source>Step &amp;batch</source>
        <translation>单步批次(&amp;B)</translation>
    </message>
    <message>
        <location filename="../gui/app/run_actions.cpp" line="155"/>
        <source>Run to the start of the next batch (Shift+F11)</source>
        <translation>运行到下一个批次的开始（Shift+F11）</translation>
    </message>
    <message>
        <location filename="../gui/app/run_actions.cpp" line="156"/>
        <source>Step &amp;epoch</source>
        <translation>单步轮次(&amp;E)</translation>
    </message>
    <message>
        <location filename="../gui/app/run_actions.cpp" line="157"/>
        <source>Run to the first batch of the next epoch</source>
        <translation>运行到下一轮的第一个批次</translation>
    </message>
    <message>
        <location filename="../gui/app/run_actions.cpp" line="158"/>
        <source>Step &amp;line</source>
        <translation>单步行(&amp;L)</translation>
    </message>
    <message>
        <location filename="../gui/app/run_actions.cpp" line="160"/>
        <source>A script: run to the next line of your training_step, into the functions of your own files it calls (F7); elsewhere, to the next stage</source>
        <translation>脚本：运行到 training_step 的下一行，并进入它调用的、你自己文件中的函数（F7）；其他情况下运行到下一阶段</translation>
    </message>
    <message>
        <location filename="../gui/app/run_actions.cpp" line="162"/>
        <source>Step line &amp;over</source>
        <translation>单步跳过(&amp;O)</translation>
    </message>
    <message>
        <location filename="../gui/app/run_actions.cpp" line="164"/>
        <source>A script: run to the next line of this function, over the calls it makes (F8)</source>
        <translation>脚本：运行到此函数的下一行，跳过它发起的调用（F8）</translation>
    </message>
    <message>
        <location filename="../gui/app/run_actions.cpp" line="165"/>
        <source>Step o&amp;ut</source>
        <translation>单步跳出(&amp;U)</translation>
    </message>
    <message>
        <location filename="../gui/app/run_actions.cpp" line="167"/>
        <source>A script: run until this function returns, to the line after its call (Shift+F8)</source>
        <translation>脚本：运行到此函数返回，停在调用它的那一行之后（Shift+F8）</translation>
    </message>
    <message>
        <location filename="../gui/app/run_actions.cpp" line="168"/>
        <source>&amp;Run / Continue</source>
        <translation>运行/继续(&amp;R)</translation>
    </message>
    <message>
        <location filename="../gui/app/run_actions.cpp" line="169"/>
        <source>Run on, with the delay per stage set by the speed control (F5)</source>
        <translation>继续运行，每个阶段的延迟由速度控制决定（F5）</translation>
    </message>
    <message>
        <location filename="../gui/app/run_actions.cpp" line="170"/>
        <source>&amp;Pause</source>
        <translation>暂停(&amp;P)</translation>
    </message>
    <message>
        <location filename="../gui/app/run_actions.cpp" line="171"/>
        <source>Hold at the next stage boundary (F6)</source>
        <translation>在下一个阶段边界暂停（F6）</translation>
    </message>
    <message>
        <location filename="../gui/app/run_actions.cpp" line="172"/>
        <source>S&amp;top</source>
        <translation>停止(&amp;T)</translation>
    </message>
    <message>
        <location filename="../gui/app/run_actions.cpp" line="173"/>
        <source>End the run; the state stays inspectable (Shift+F5)</source>
        <translation>结束运行；状态仍可查看（Shift+F5）</translation>
    </message>
    <message>
        <location filename="../gui/app/run_actions.cpp" line="174"/>
        <source>R&amp;eset</source>
        <translation>重置(&amp;E)</translation>
    </message>
    <message>
        <location filename="../gui/app/run_actions.cpp" line="175"/>
        <source>Start the same configuration again from the beginning (Ctrl+R)</source>
        <translation>用相同配置从头开始（Ctrl+R）</translation>
    </message>
    <message>
        <location filename="../gui/app/run_actions.cpp" line="176"/>
        <source>Back one st&amp;age</source>
        <translation>后退一个阶段(&amp;A)</translation>
    </message>
    <message>
        <location filename="../gui/app/run_actions.cpp" line="178"/>
        <source>Go back to the stage boundary before this one; what follows is recomputed exactly (Ctrl+F11)</source>
        <translation>回退到上一个阶段边界；之后的内容将精确重新计算（Ctrl+F11）</translation>
    </message>
    <message>
        <location filename="../gui/app/run_actions.cpp" line="180"/>
        <source>Back to batch s&amp;tart</source>
        <translation>回到批次开始(&amp;T)</translation>
    </message>
    <message>
        <location filename="../gui/app/run_actions.cpp" line="182"/>
        <source>Go back to the start of this batch, or of the previous one when already there (Ctrl+F10)</source>
        <translation>回退到本批次的开始；若已在开始处，则回退到上一批次的开始（Ctrl+F10）</translation>
    </message>
    <message>
        <location filename="../gui/app/run_actions.cpp" line="184"/>
        <source>Back one bat&amp;ch</source>
        <translation>后退一个批次(&amp;C)</translation>
    </message>
    <message>
        <location filename="../gui/app/run_actions.cpp" line="185"/>
        <source>Go back to the start of the previous batch (Ctrl+Shift+F11)</source>
        <translation>回退到上一批次的开始（Ctrl+Shift+F11）</translation>
    </message>
    <message>
        <location filename="../gui/app/run_actions.cpp" line="186"/>
        <source>Back to previous &amp;hit</source>
        <translation>回到上一次命中(&amp;H)</translation>
    </message>
    <message>
        <location filename="../gui/app/run_actions.cpp" line="188"/>
        <source>Go back to where the latest earlier breakpoint hit held the run (Ctrl+F5)</source>
        <translation>回退到最近一次更早的断点命中暂停运行的位置（Ctrl+F5）</translation>
    </message>
    <message>
        <location filename="../gui/app/run_actions.cpp" line="189"/>
        <source>Delay:</source>
        <translation>延迟：</translation>
    </message>
    <message>
        <location filename="../gui/app/run_actions.cpp" line="190"/>
        <source>Delay per stage while running; leftmost is full speed</source>
        <translation>运行时每个阶段的延迟；最左侧为全速</translation>
    </message>
</context>
<context>
    <name>stepwise::gui::SourceEditor</name>
    <message>
        <location filename="../gui/views/source_editor.cpp" line="131"/>
        <source>Save source</source>
        <translation>保存源代码</translation>
    </message>
    <message>
        <location filename="../gui/views/source_editor.cpp" line="133"/>
        <source>Stepwise source (*.stepwise)</source>
        <translation>Stepwise 源文件 (*.stepwise)</translation>
    </message>
    <message>
        <location filename="../gui/views/source_editor.cpp" line="152"/>
        <source>Open…</source>
        <translation>打开…</translation>
    </message>
    <message>
        <location filename="../gui/views/source_editor.cpp" line="153"/>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <location filename="../gui/views/source_editor.cpp" line="154"/>
        <source>Run this source</source>
        <translation>运行此源代码</translation>
    </message>
    <message>
        <location filename="../gui/views/source_editor.cpp" line="159"/>
        <source>&lt;b&gt;%1&lt;/b&gt;%2</source>
        <translation>&lt;b&gt;%1&lt;/b&gt;%2</translation>
    </message>
    <message>
        <location filename="../gui/views/source_editor.cpp" line="160"/>
        <source> (modified)</source>
        <translation>（已修改）</translation>
    </message>
    <message>
        <location filename="../gui/views/source_editor.cpp" line="237"/>
        <source>Cannot write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <location filename="../gui/views/source_editor.cpp" line="252"/>
        <source>Open source</source>
        <translation>打开源代码</translation>
    </message>
    <message>
        <location filename="../gui/views/source_editor.cpp" line="253"/>
        <source>Stepwise source (*.stepwise);;All files (*)</source>
        <translation>Stepwise 源文件 (*.stepwise);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../gui/views/source_editor.cpp" line="156"/>
        <source>Restart the session with this text as the model (the file is not saved)</source>
        <translation>以此文本作为模型重新开始会话（不会保存文件）</translation>
    </message>
</context>
<context>
    <name>stepwise::gui::TensorsView</name>
    <message>
        <location filename="../gui/views/tensors_view.cpp" line="30"/>
        <source>parameter</source>
        <translation>参数</translation>
    </message>
    <message>
        <location filename="../gui/views/tensors_view.cpp" line="31"/>
        <source>.grad</source>
        <translation>.grad</translation>
    </message>
    <message>
        <location filename="../gui/views/tensors_view.cpp" line="32"/>
        <source>optimizer state</source>
        <translation>优化器状态</translation>
    </message>
    <message>
        <location filename="../gui/views/tensors_view.cpp" line="33"/>
        <source>buffer</source>
        <translation>缓冲区</translation>
    </message>
    <message>
        <location filename="../gui/views/tensors_view.cpp" line="51"/>
        <source>all zeros</source>
        <translation>全为零</translation>
    </message>
    <message>
        <location filename="../gui/views/tensors_view.cpp" line="59"/>
        <source>set to None</source>
        <translation>设为 None</translation>
    </message>
    <message>
        <location filename="../gui/views/tensors_view.cpp" line="60"/>
        <source>filled with zeros</source>
        <translation>填充为零</translation>
    </message>
    <message>
        <location filename="../gui/views/tensors_view.cpp" line="61"/>
        <source>filled by backward</source>
        <translation>由 backward 填入</translation>
    </message>
    <message>
        <location filename="../gui/views/tensors_view.cpp" line="62"/>
        <source>accumulated into</source>
        <translation>累加</translation>
    </message>
    <message>
        <location filename="../gui/views/tensors_view.cpp" line="64"/>
        <source>scaled ×%1</source>
        <translation>缩放 ×%1</translation>
    </message>
    <message>
        <location filename="../gui/views/tensors_view.cpp" line="68"/>
        <source>moved, ‖Δ‖ = %1</source>
        <translation>已移动，‖Δ‖ = %1</translation>
    </message>
    <message>
        <location filename="../gui/views/tensors_view.cpp" line="69"/>
        <source>moved</source>
        <translation>已移动</translation>
    </message>
    <message>
        <location filename="../gui/views/tensors_view.cpp" line="70"/>
        <source>created</source>
        <translation>新建</translation>
    </message>
    <message>
        <location filename="../gui/views/tensors_view.cpp" line="71"/>
        <source>removed</source>
        <translation>已移除</translation>
    </message>
    <message>
        <location filename="../gui/views/tensors_view.cpp" line="284"/>
        <source>Select a tensor to see its values.</source>
        <translation>选择一个张量以查看其数值。</translation>
    </message>
    <message>
        <location filename="../gui/views/tensors_view.cpp" line="285"/>
        <source>%1: its values come with the next hold.</source>
        <translation>%1：其数值在下次暂停时给出。</translation>
    </message>
    <message>
        <location filename="../gui/views/tensors_view.cpp" line="291"/>
        <source>%1 is None: it has no values.</source>
        <translation>%1 为 None：没有数值。</translation>
    </message>
    <message>
        <location filename="../gui/views/tensors_view.cpp" line="297"/>
        <source>%1 · %2 · elements: %3</source>
        <translation>%1 · %2 · 元素：%3</translation>
    </message>
    <message>
        <location filename="../gui/views/tensors_view.cpp" line="299"/>
        <source> · the grid shows the first %1</source>
        <translation> · 表格显示前 %1 个</translation>
    </message>
    <message>
        <location filename="../gui/views/tensors_view.cpp" line="300"/>
        <source> · %1 not finite (NaN or ±inf)</source>
        <translation> · %1 个非有限值（NaN 或 ±inf）</translation>
    </message>
    <message>
        <location filename="../gui/views/tensors_view.cpp" line="302"/>
        <source> · %1 of the shown values changed</source>
        <translation> · 显示的数值中有 %1 个改变</translation>
    </message>
    <message>
        <location filename="../gui/views/tensors_view.cpp" line="371"/>
        <source>The tensors are read while the run holds: pause, or step a stage, to see them.</source>
        <translation>张量在运行暂停时读取：暂停或单步一个阶段即可查看。</translation>
    </message>
    <message>
        <location filename="../gui/views/tensors_view.cpp" line="374"/>
        <source>The run goes on: these are the tensors where it last held. Pause or step to read them again.</source>
        <translation>运行在继续：这些是上次暂停处的张量。暂停或单步以重新读取。</translation>
    </message>
    <message>
        <location filename="../gui/views/tensors_view.cpp" line="377"/>
        <source>Held before %1 · epoch %2, batch %3.</source>
        <translation>暂停于 %1 之前 · 第 %2 轮，批次 %3。</translation>
    </message>
    <message>
        <location filename="../gui/views/tensors_view.cpp" line="382"/>
        <source>Step a stage to see what it changes.</source>
        <translation>单步一个阶段以查看它改变了什么。</translation>
    </message>
    <message>
        <location filename="../gui/views/tensors_view.cpp" line="384"/>
        <source>Highlighted: what %1 changed.</source>
        <translation>高亮：%1 改变的内容。</translation>
    </message>
    <message>
        <location filename="../gui/views/tensors_view.cpp" line="387"/>
        <source>Highlighted: what changed since the hold before %1 (epoch %2, batch %3), %4 stages back.</source>
        <translation>高亮：自 %1 之前的暂停（第 %2 轮，批次 %3，%4 个阶段之前）以来改变的内容。</translation>
    </message>
    <message>
        <location filename="../gui/views/tensors_view.cpp" line="401"/>
        <source>Tensor</source>
        <translation>张量</translation>
    </message>
    <message>
        <location filename="../gui/views/tensors_view.cpp" line="401"/>
        <source>Shape</source>
        <translation>形状</translation>
    </message>
    <message>
        <location filename="../gui/views/tensors_view.cpp" line="401"/>
        <source>dtype</source>
        <translation>dtype</translation>
    </message>
    <message>
        <location filename="../gui/views/tensors_view.cpp" line="401"/>
        <source>Norm / value</source>
        <translation>范数 / 值</translation>
    </message>
    <message>
        <location filename="../gui/views/tensors_view.cpp" line="401"/>
        <source>Changed</source>
        <translation>变化</translation>
    </message>
    <message>
        <location filename="../gui/views/tensors_view.cpp" line="402"/>
        <source>Histogram</source>
        <translation>直方图</translation>
    </message>
    <message>
        <location filename="../gui/views/tensors_view.cpp" line="403"/>
        <source>Values</source>
        <translation>数值</translation>
    </message>
    <message>
        <location filename="../gui/views/tensors_view.cpp" line="404"/>
        <source>Heat map</source>
        <translation>热图</translation>
    </message>
    <message>
        <location filename="../gui/views/tensors_view.cpp" line="405"/>
        <source>value</source>
        <translation>值</translation>
    </message>
    <message>
        <location filename="../gui/views/tensors_view.cpp" line="406"/>
        <source>elements</source>
        <translation>元素数</translation>
    </message>
    <message>
        <location filename="../gui/views/tensors_view.cpp" line="407"/>
        <source>column</source>
        <translation>列</translation>
    </message>
    <message>
        <location filename="../gui/views/tensors_view.cpp" line="408"/>
        <source>row</source>
        <translation>行</translation>
    </message>
</context>
</TS>
