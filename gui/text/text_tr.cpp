#include "text/text_tr.h"

#include <QCoreApplication>

namespace stepwise::gui {

namespace {
// The translation context of these texts (lupdate files EngineText::tr under "EngineText").
struct EngineText {
    Q_DECLARE_TR_FUNCTIONS(EngineText)
};

QString arg(const Text& text, int i) {
    return i < int(text.args.size()) ? QString::fromStdString(text.args[std::size_t(i)])
                                     : QString();
}
}  // namespace

QString textTr(const Text& t) {
    // No default: a new code without a sentence here is a compiler warning (-Wswitch).
    switch (t.code) {
        case TextCode::none: return {};
        case TextCode::skip_zero_grad_not_first:
            return EngineText::tr(
                       "zero_grad skipped: batch %1 is not the first of its accumulation cycle "
                       "(batch %2 of %3 in its accumulation cycle)")
                .arg(arg(t, 0), arg(t, 1), arg(t, 2));
        case TextCode::skip_step_accumulating:
            return EngineText::tr(
                       "optimizer.step skipped: accumulating, batch %1 of %2 in its accumulation "
                       "cycle; the loop calls the closure directly")
                .arg(arg(t, 0), arg(t, 1));
        case TextCode::skip_before_step_accumulating:
            return EngineText::tr(
                "on_before_optimizer_step skipped: no optimizer step on an accumulating batch");
        case TextCode::skip_clipping_accumulating:
            return EngineText::tr(
                "gradient clipping skipped: no optimizer step on an accumulating batch");
        case TextCode::skip_backward_lightning:
            return EngineText::tr("backward skipped: backward is being skipped for this batch");
        case TextCode::skip_backward_none_returned:
            return EngineText::tr("backward skipped: training_step returned None");
        case TextCode::skip_stopped: return EngineText::tr("stopped by request");
        case TextCode::notice_epoch_ended_by_hook:
            return EngineText::tr(
                       "on_train_batch_start returned -1 at epoch %1, batch %2: Lightning ends the "
                       "epoch there, before the batch trains")
                .arg(arg(t, 0), arg(t, 1));
        case TextCode::notice_non_finite_loss:
            return EngineText::tr(
                       "training_step returned a non-finite loss (%1) at epoch %2, batch %3; "
                       "Lightning does not check it and backpropagates it as is")
                .arg(arg(t, 0), arg(t, 1), arg(t, 2));
        case TextCode::notice_graph_in_extra:
            return EngineText::
                tr("the extra '%1' returned by training_step still holds an autograd graph "
                   "(%2); Lightning passes extras on undetached, so the graph stays alive until "
                   "on_train_batch_end has run. Return it .detach()ed unless you need it.")
                    .arg(arg(t, 0), arg(t, 1));
        case TextCode::output_loss_tensor:
            return EngineText::tr("loss tensor: loss / N is backpropagated");
        case TextCode::output_dict_with_loss:
            if (arg(t, 0) == QLatin1String("1"))
                return EngineText::tr("dict with 'loss' and 1 extra: loss / N is backpropagated");
            return EngineText::tr("dict with 'loss' and %1 extras: loss / N is backpropagated")
                .arg(arg(t, 0));
        case TextCode::output_dict_without_loss:
            return EngineText::tr("dict without a 'loss': MisconfigurationException");
        case TextCode::output_none:
            return EngineText::tr("None: backward is skipped, the optimizer step still runs");
        case TextCode::output_invalid:
            return EngineText::tr(
                       "%1: MisconfigurationException (must be a Tensor, a dict, or None)")
                .arg(arg(t, 0));
        case TextCode::skip_scheduler_accumulating:
            return EngineText::tr(
                "lr_scheduler.step skipped: accumulating; an interval \"step\" scheduler steps "
                "only "
                "after an optimizer step");
        case TextCode::skip_scheduler_step_frequency:
            return EngineText::tr(
                       "lr_scheduler.step skipped: interval \"step\", frequency %2, and batch %1 + "
                       "1 is "
                       "not a multiple of %2")
                .arg(arg(t, 0), arg(t, 1));
        case TextCode::skip_scheduler_epoch_frequency:
            return EngineText::tr(
                       "lr_scheduler.step skipped: interval \"epoch\", frequency %2, and epoch %1 "
                       "+ 1 is "
                       "not a multiple of %2")
                .arg(arg(t, 0), arg(t, 1));
        case TextCode::skip_scheduler_not_epoch_end:
            return EngineText::tr(
                "lr_scheduler.step skipped: interval \"epoch\"; it steps after the epoch's last "
                "batch");
        case TextCode::explain_none_grads_none:
            return EngineText::tr(
                       "every .grad was None, so the optimizer skipped every parameter (‖Δθ‖ %1)")
                .arg(arg(t, 0));
        case TextCode::explain_none_grads_kept:
            return EngineText::
                tr(".grad still held the gradients of the cycle's earlier batches, and the step "
                   "applied them (‖Δθ‖ %1)")
                    .arg(arg(t, 0));
        case TextCode::explain_none_zero_moved:
            return EngineText::tr(
                       "the grads were zero-filled, yet the weights moved (‖Δθ‖ %1): the optimizer "
                       "holds %2")
                .arg(arg(t, 0), arg(t, 1));
        case TextCode::explain_none_zero_still:
            return EngineText::tr(
                       "the grads were zero-filled and the weights did not move; the optimizer "
                       "holds %1")
                .arg(arg(t, 0));
        case TextCode::explain_none_zero_still_nothing:
            return EngineText::tr(
                "the grads were zero-filled and the weights did not move; the optimizer holds "
                "nothing that is not zero");
        case TextCode::breakpoint_hit:
            return EngineText::tr("breakpoint %1 (%2) hit").arg(arg(t, 0), arg(t, 1));
        case TextCode::breakpoint_hit_value:
            return EngineText::tr("breakpoint %1 (%2) hit: %3 = %4")
                .arg(arg(t, 0), arg(t, 1), arg(t, 2), arg(t, 3));
        case TextCode::rewound:
            return EngineText::tr(
                       "went back to epoch %1, batch %2, before %3; what follows is recomputed")
                .arg(arg(t, 0), arg(t, 1), arg(t, 2));
        case TextCode::rewind_nothing_earlier:
            return EngineText::tr("cannot go back: this is the run's first stage");
        case TextCode::rewind_no_earlier_hit:
            return EngineText::tr(
                "cannot go back to a breakpoint hit: none held the run before this point");
        case TextCode::rewind_not_earlier:
            return EngineText::tr("cannot go back to batch %1: the run is at batch %2")
                .arg(arg(t, 0), arg(t, 1));
        case TextCode::rewind_over_budget:
            return EngineText::tr(
                       "cannot go back: one snapshot of this run takes %2 MB, more than the "
                       "snapshot budget "
                       "of %1 MB (rewind.budget_mb)")
                .arg(arg(t, 0), arg(t, 1));
        case TextCode::rewind_not_held: return EngineText::tr("cannot go back: the run has ended");
        case TextCode::rewind_not_kept:
            return EngineText::tr(
                "cannot go back: this run keeps no snapshots of its training state");
        case TextCode::rewind_not_restored:
            return EngineText::tr(
                       "going back put back all but %1: Stepwise could not copy them, so they "
                       "stay as the later batches left them")
                .arg(arg(t, 0));
        case TextCode::departures:
            return EngineText::tr(
                       "not what Lightning does: this run departs from Lightning's automatic "
                       "optimization on purpose (%1)")
                .arg(arg(t, 0));
        case TextCode::skip_zero_grad_departure:
            return EngineText::tr(
                "zero_grad skipped: not what Lightning does (skip_zero_grad); .grad keeps what "
                "earlier batches added");
        case TextCode::forked:
            return EngineText::tr(
                       "forked from run A at epoch %1, batch %2, before %3, with %4; everything "
                       "before this batch is run A's")
                .arg(arg(t, 0), arg(t, 1), arg(t, 2), arg(t, 3));
    }
    return QString::fromStdString(format_text(t));
}

QString runStatusTr(RunStatus status) {
    switch (status) {
        case RunStatus::finished: return EngineText::tr("finished");
        case RunStatus::stopped: return EngineText::tr("stopped");
        case RunStatus::failed: return EngineText::tr("failed");
    }
    return {};
}

}  // namespace stepwise::gui
