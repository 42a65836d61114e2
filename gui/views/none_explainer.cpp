#include "none_explainer.h"

#include <QCoreApplication>
#include <variant>

#include "pipeline_state.h"

// The translation context of these sentences (a free function has no class of its own).
struct NoneExplainer {
    Q_DECLARE_TR_FUNCTIONS(NoneExplainer)
};

namespace stepwise::gui {

namespace {

double numberOption(const RunConfig& config, const char* name) {
    const auto it = config.optimizer.options.find(name);
    if (it == config.optimizer.options.end()) return 0.0;
    if (const double* value = std::get_if<double>(&it->second)) return *value;
    return 0.0;
}

bool isAdamLike(const std::string& name) {
    return name == "adam" || name == "adamw" || name == "rmsprop" || name == "adagrad";
}

}  // namespace

bool optimizerMovesOnZeroGrads(const RunConfig& config) {
    const std::string& name = config.optimizer.name;
    if (isAdamLike(name)) return true;  // moments decay, AdamW's decoupled decay shrinks weights
    return numberOption(config, "momentum") > 0.0 || numberOption(config, "weight_decay") > 0.0;
}

QString explainNoneBatch(const Event& batchEnd, const RunConfig& config,
                         std::optional<double> updateNorm) {
    const int n = std::max(1, batchEnd.accumulate_grad_batches);
    const int position = batchEnd.window_position;
    const bool firstInWindow = n == 1 || position <= 1;
    QStringList parts;
    parts << NoneExplainer::tr("backward skipped");
    if (!batchEnd.stepped) {
        parts << NoneExplainer::tr("accumulating batch: no optimizer step on this batch");
        if (!firstInWindow)
            parts << NoneExplainer::tr("the window's earlier gradients stay in .grad");
        else
            parts << NoneExplainer::tr(
                "zero_grad cleared the gradients; later batches of the window accumulate as usual");
        return parts.join(
            NoneExplainer::tr("; ", "separator between the clauses of an explanation"));
    }
    parts << NoneExplainer::tr("optimizer step still ran and global_step still advanced");
    if (!firstInWindow) {
        parts << NoneExplainer::tr(
                     "it applied the gradients of the window's %n earlier batch(es), each scaled "
                     "by 1/%1",
                     nullptr, position - 1)
                     .arg(n);
    } else if (config.zero_grad_set_to_none) {
        parts << NoneExplainer::tr(
            "grads were set to None, so the optimizer skipped every parameter: weights unchanged");
    } else if (optimizerMovesOnZeroGrads(config)) {
        const double momentum = numberOption(config, "momentum");
        const double decay = numberOption(config, "weight_decay");
        if (isAdamLike(config.optimizer.name))
            parts << NoneExplainer::tr(
                         "with zero-filled grads %1's running averages still moved the weights")
                         .arg(QString::fromStdString(config.optimizer.name));
        else if (momentum > 0.0 && decay > 0.0)
            parts << NoneExplainer::tr(
                "with zero-filled grads momentum and weight decay still moved the weights");
        else if (momentum > 0.0)
            parts << NoneExplainer::tr("with zero-filled grads momentum still moved the weights");
        else
            parts << NoneExplainer::tr(
                "with zero-filled grads weight decay still shrank the weights");
    } else {
        parts << NoneExplainer::tr(
            "grads were zero-filled and the optimizer has no momentum or weight decay: weights "
            "unchanged");
    }
    if (updateNorm) parts << NoneExplainer::tr("update norm %1").arg(formatNumber(*updateNorm));
    return parts.join(NoneExplainer::tr("; ", "separator between the clauses of an explanation"));
}

}  // namespace stepwise::gui
