#include "text/none_explainer.h"

#include <QCoreApplication>
#include <QStringList>
#include <algorithm>

#include "text/formatters.h"
#include "text/text_tr.h"

// The translation context of these sentences (a free function has no class of its own).
struct NoneExplainer {
    Q_DECLARE_TR_FUNCTIONS(NoneExplainer)
};

namespace stepwise::gui {

QString explainNoneBatch(const Event& batchEnd) {
    const int n = std::max(1, batchEnd.accumulate_grad_batches);
    const bool firstInCycle = n == 1 || batchEnd.cycle_position <= 1;
    QStringList parts;
    parts << NoneExplainer::tr("backward skipped");
    if (!batchEnd.stepped) {
        parts << NoneExplainer::tr("accumulating batch: no optimizer step on this batch");
        if (!firstInCycle)
            parts << NoneExplainer::tr("the cycle's earlier gradients stay in .grad");
        else
            parts << NoneExplainer::tr(
                "zero_grad cleared the gradients; later batches of the cycle accumulate as usual");
    } else {
        parts << NoneExplainer::tr("optimizer step still ran and global_step still advanced");
        if (!batchEnd.explanation.empty())
            parts << textTr(batchEnd.explanation);
        else if (batchEnd.update_norm)  // a trace from before the explanation was recorded
            parts << NoneExplainer::tr("update norm %1").arg(formatNumber(*batchEnd.update_norm));
    }
    return parts.join(NoneExplainer::tr("; ", "separator between the clauses of an explanation"));
}

}  // namespace stepwise::gui
