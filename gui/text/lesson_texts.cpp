#include "text/lesson_texts.h"

#include <QCoreApplication>

namespace stepwise::gui {

namespace {
// The English text comes from resources/lessons/*.json; this table repeats it for lupdate, and
// tst_units checks that the two agree, so a lesson edited without its table entry fails a test.
const char* const kTexts[] = {
    // tensor_return
    QT_TRANSLATE_NOOP("Lessons", "training_step returns the loss tensor"),
    QT_TRANSLATE_NOOP(
        "Lessons",
        "The plain case. On every batch Lightning calls optimizer.step(closure), and the "
        "optimizer runs the closure: training_step, then zero_grad (after the forward "
        "pass!), then backward; then on_before_optimizer_step and gradient clipping, "
        "then the update. Step stage by stage and watch training_step run inside "
        "optimizer_step."),
    // dict_extras
    QT_TRANSLATE_NOOP("Lessons", "training_step returns a dict with extras"),
    QT_TRANSLATE_NOOP(
        "Lessons",
        "A dict with \"loss\" and extra entries. Lightning backpropagates dict[\"loss\"] / N "
        "and passes the other entries on to on_train_batch_end as they are (not "
        "detached, not copied)."),
    // none_batches
    QT_TRANSLATE_NOOP("Lessons", "training_step returns None on some batches"),
    QT_TRANSLATE_NOOP("Lessons",
                      "Every third batch returns None. Lightning warns once per process, skips "
                      "backward, but still runs optimizer.step, the clipping hooks and counts "
                      "global_step. With grads set to None the weights stay put on those batches."),
    // dict_without_loss
    QT_TRANSLATE_NOOP("Lessons", "a dict without \"loss\""),
    QT_TRANSLATE_NOOP(
        "Lessons",
        "training_step returns a dict with no \"loss\" key. Lightning raises a "
        "MisconfigurationException at the first batch, right after training_step, before "
        "zero_grad and backward."),
    // accumulate_3
    QT_TRANSLATE_NOOP("Lessons", "gradient accumulation: 3 batches over 10"),
    QT_TRANSLATE_NOOP(
        "Lessons",
        "accumulate_grad_batches=3 over 10 batches. Batches 0,1 and 3,4 and 6,7 call the "
        "closure directly (no optimizer step); 2, 5, 8 step; the last batch (9) always "
        "steps, with its short cycle still divided by 3. zero_grad runs only on the "
        "first batch of each cycle."),
    // lbfgs
    QT_TRANSLATE_NOOP("Lessons", "LBFGS: the optimizer calls the closure many times"),
    QT_TRANSLATE_NOOP(
        "Lessons",
        "LBFGS evaluates the closure several times inside one optimizer.step. Each "
        "evaluation runs training_step, zero_grad, backward, on_before_optimizer_step "
        "and clipping; optimizer_step and global_step count once."),
    // clip_norm
    QT_TRANSLATE_NOOP("Lessons", "gradient clipping by norm"),
    QT_TRANSLATE_NOOP(
        "Lessons",
        "gradient_clip_val=0.5 with the norm algorithm. Clipping runs inside the closure "
        "wrapper after on_before_optimizer_step, on stepping batches only; compare the "
        "gradient norm after backward with the norm after clipping."),
    // zero_fill_momentum
    QT_TRANSLATE_NOOP("Lessons", "None batches with zero-filled grads and momentum"),
    QT_TRANSLATE_NOOP("Lessons",
                      "Every other batch returns None and zero_grad fills zeros (torch < 2, or "
                      "set_to_none=False). The optimizer still steps on None batches: momentum and "
                      "weight decay move the weights although no gradient was computed."),
    // set_to_none_momentum
    QT_TRANSLATE_NOOP("Lessons", "None batches with grads set to None and momentum"),
    QT_TRANSLATE_NOOP(
        "Lessons",
        "The same run with zero_grad(set_to_none=True), Lightning's default on torch >= "
        "2: on None batches the grads are None, SGD skips every parameter, and the "
        "update norm is exactly 0."),
    // non_scalar_loss
    QT_TRANSLATE_NOOP("Lessons", "a non-scalar loss"),
    QT_TRANSLATE_NOOP(
        "Lessons",
        "training_step returns per-sample errors instead of their mean. Lightning does "
        "not check the loss; autograd refuses it inside backward, after training_step "
        "and zero_grad have run."),
    // detached_loss
    QT_TRANSLATE_NOOP("Lessons", "a detached loss"),
    QT_TRANSLATE_NOOP(
        "Lessons",
        "training_step returns loss.detach(). Lightning passes it on; autograd fails in "
        "backward because nothing requires grad."),
    // nan_loss
    QT_TRANSLATE_NOOP("Lessons", "a NaN loss"),
    QT_TRANSLATE_NOOP(
        "Lessons",
        "Batch 3 returns NaN. Lightning does not check: backward and the optimizer step "
        "run and every weight becomes NaN. Stepwise flags the batch."),
    // graph_in_extra
    QT_TRANSLATE_NOOP("Lessons", "an extra that still holds the graph"),
    QT_TRANSLATE_NOOP(
        "Lessons",
        "training_step returns the predictions undetached as an extra. Lightning passes "
        "extras on as they are, so the autograd graph stays alive until "
        "on_train_batch_end."),
    // mlp_spiral
    QT_TRANSLATE_NOOP("Lessons", "a small MLP on a two-class spiral (Adam)"),
    QT_TRANSLATE_NOOP(
        "Lessons",
        "A 2-16-1 MLP learns a spiral with Adam. A longer run to watch the loss curve "
        "and the accuracy extra."),
    // seeded_dropout
    QT_TRANSLATE_NOOP("Lessons", "dropout with a seed: the same draws as Python"),
    QT_TRANSLATE_NOOP(
        "Lessons",
        "An MLP with dropout inside training_step, on shuffled data. Like "
        "seed_everything, the seed resets torch's generator when fit starts; each epoch "
        "the DataLoader draws its seeds from it, then training_step's dropout draws its "
        "masks. With the same seed and the same calls, Python draws the same batches "
        "and the same masks, so the losses agree to the last bit. The extra 'kept' is "
        "the share of hidden units dropout kept on the batch."),
    // lr_schedule
    QT_TRANSLATE_NOOP("Lessons", "a learning-rate schedule (OneCycleLR) under accumulation"),
    QT_TRANSLATE_NOOP(
        "Lessons",
        "configure_optimizers returns OneCycleLR with interval \"step\". Building it "
        "already set the lr to max_lr / div_factor and turned SGD's momentum on. "
        "Lightning steps the scheduler in its own stage, lr_scheduler_step, after an "
        "optimizer step and before on_train_batch_end; with accumulate_grad_batches=2 "
        "the accumulating batches skip it, so the schedule counts optimizer steps, not "
        "batches. Watch the learning rate on its own axis in the plot. After the last "
        "optimizer step Lightning steps it once more, one past the end of the schedule: "
        "torch allows that step, and the lr it sets is never used."),
    // compare_accumulate_vs_batch
    QT_TRANSLATE_NOOP("Lessons", "compare: accumulate 4 batches of 8, or one batch of 32?"),
    QT_TRANSLATE_NOOP(
        "Lessons",
        "Run A accumulates 4 batches of 8 (each loss divided by 4), run B takes batches of 32. "
        "Over the same 32 samples both gradients are the mean over those 32 samples, so where the "
        "runs meet, every 32 samples, they agree up to rounding: bit for bit after the first 32, "
        "about 1e-7 apart after 64, because the terms are added in another order. With 80 samples "
        "the epoch's last cycle holds only 2 batches, still divided by 4: its gradient is half of "
        "run B's mean over its last 16 samples, and there the runs stop agreeing. Set the "
        "tolerance to 1e-6 to find that batch."),
    QT_TRANSLATE_NOOP("Lessons", "accumulate 4 × 8"),
    QT_TRANSLATE_NOOP("Lessons", "batches of 32"),
    // compare_set_to_none_vs_zero
    QT_TRANSLATE_NOOP("Lessons", "compare: grads set to None, or zero-filled, on None batches"),
    QT_TRANSLATE_NOOP(
        "Lessons",
        "Every third batch returns None, and Lightning still calls optimizer.step. Run A's "
        "zero_grad sets the grads to None: SGD skips every parameter without a grad, so momentum "
        "and weight decay do nothing and the weights stay put. Run B's zero_grad fills them with "
        "zeros: the momentum buffer and the weight decay still move the weights. The runs are "
        "bit-identical until the first None batch, and differ from there on."),
    QT_TRANSLATE_NOOP("Lessons", "grads set to None"),
    QT_TRANSLATE_NOOP("Lessons", "grads zero-filled"),
    // compare_clip_vs_none
    QT_TRANSLATE_NOOP("Lessons", "compare: clipping by norm, or none"),
    QT_TRANSLATE_NOOP(
        "Lessons",
        "Run A clips the gradient's norm to 0.5 inside the closure, after backward and "
        "on_before_optimizer_step; run B does not clip. The first gradients are large, clipping "
        "shortens run A's steps, and the runs part at the first batch. The distance grows while "
        "clipping shortens the steps, and levels off as the loss falls and the gradients shrink."),
    QT_TRANSLATE_NOOP("Lessons", "clip norm 0.5"),
    QT_TRANSLATE_NOOP("Lessons", "no clipping"),
    // compare_sgd_vs_lbfgs
    QT_TRANSLATE_NOOP("Lessons", "compare: LBFGS or SGD on the same batches"),
    QT_TRANSLATE_NOOP(
        "Lessons",
        "Both runs see the same batches. Run A's LBFGS calls the closure up to 8 times inside one "
        "optimizer.step (training_step, zero_grad and backward each time); run B's SGD calls it "
        "once. Step a stage at a time: run B waits at the end of its batch until run A has "
        "finished all of its closure calls, so both always hold in the same batch. global_step "
        "counts one per batch in both."),
    QT_TRANSLATE_NOOP("Lessons", "LBFGS, up to 8 closure calls a step"),
    QT_TRANSLATE_NOOP("Lessons", "SGD, one closure call a step"),
    // compare_adam_l2_vs_adamw
    QT_TRANSLATE_NOOP("Lessons", "compare: Adam's L2 weight decay, or AdamW's decoupled one"),
    QT_TRANSLATE_NOOP("Lessons",
                      "Run A is Adam with weight_decay=0.1: the decay is added to the gradient, so "
                      "Adam's per-parameter scaling divides it too. Run B is AdamW with the same "
                      "number: it shrinks the weights by lr × weight_decay directly and leaves the "
                      "gradient alone. The runs differ from the first step."),
    QT_TRANSLATE_NOOP("Lessons", "Adam, weight_decay=0.1"),
    QT_TRANSLATE_NOOP("Lessons", "AdamW, weight_decay=0.1"),
};
}  // namespace

QString lessonTitle(const Lesson& lesson) {
    return QCoreApplication::translate("Lessons", lesson.title.c_str());
}

QString lessonDescription(const Lesson& lesson) {
    return QCoreApplication::translate("Lessons", lesson.description.c_str());
}

QString lessonRunName(const std::string& name) {
    return QCoreApplication::translate("Lessons", name.c_str());
}

std::vector<std::string> lessonTextSources() {
    return {std::begin(kTexts), std::end(kTexts)};
}

}  // namespace stepwise::gui
