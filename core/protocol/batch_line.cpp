#include "stepwise/batch_line.h"

#include <cmath>
#include <iomanip>
#include <sstream>

namespace stepwise {

std::string format_metric(double v) {
    if (std::isnan(v)) return "nan";
    std::ostringstream s;
    s << std::setprecision(6) << v;
    return s.str();
}

std::string format_value(const ValueDescription& d) {
    std::ostringstream s;
    if (d.kind == "tensor") {
        s << "tensor " << d.dtype << " [";
        for (std::size_t i = 0; i < d.shape.size(); ++i) s << (i ? ", " : "") << d.shape[i];
        s << ']';
        if (d.requires_grad) s << " requires_grad";
        if (!d.grad_fn.empty()) s << " grad_fn=" << d.grad_fn;
        if (d.value) s << " = " << format_metric(*d.value);
        if (!d.text.empty()) s << "  " << d.text;
        return s.str();
    }
    if (d.value)
        s << (d.kind == "bool" ? (*d.value != 0 ? "True" : "False") : format_metric(*d.value));
    else
        s << d.text;
    s << " (" << d.kind << ')';
    return s.str();
}

std::string format_batch_line(const Event& e, const MetricsRecord* step_metrics) {
    std::ostringstream line;
    line << "epoch " << e.epoch << "  batch " << std::setw(3) << e.batch_idx << "  global_step "
         << std::setw(4) << e.global_step << "  " << (e.stepped ? "step      " : "accumulate");
    if (e.loss)
        line << "  loss " << format_metric(*e.loss);
    else
        line << "  loss None";
    for (const auto& [key, v] : e.extras) {
        line << "  " << key << "=";
        if (v.value) {
            line << format_metric(*v.value);
        } else if (v.kind == "tensor") {
            line << "tensor[";
            for (std::size_t d = 0; d < v.shape.size(); ++d) line << (d ? ", " : "") << v.shape[d];
            line << "] " << v.dtype << (v.holds_graph() ? " (holds a graph)" : "");
        } else {
            line << v.text;
        }
    }
    if (e.lr) line << "  lr " << format_metric(*e.lr);
    if (e.closure_calls > 1) line << "  (closure called " << e.closure_calls << "x)";
    if (step_metrics)
        for (const LoggedMetric& m : step_metrics->values)
            if (m.prog_bar) line << "  " << m.name << "=" << format_metric(m.value);
    // A None batch that stepped: why the weights moved or not (Z-3).
    if (!e.explanation.empty()) line << "  -- " << format_text(e.explanation);
    return line.str();
}

}  // namespace stepwise
