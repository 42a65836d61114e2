#include "stepwise/batch_line.h"

#include <cmath>
#include <iomanip>
#include <sstream>

namespace stepwise {

namespace {
std::string format_number(double v) {
    if (std::isnan(v)) return "nan";
    std::ostringstream s;
    s << std::setprecision(6) << v;
    return s.str();
}
}  // namespace

std::string format_batch_line(const Event& e) {
    std::ostringstream line;
    line << "epoch " << e.epoch << "  batch " << std::setw(3) << e.batch_idx << "  global_step "
         << std::setw(4) << e.global_step << "  " << (e.stepped ? "step      " : "accumulate");
    if (e.loss)
        line << "  loss " << format_number(*e.loss);
    else
        line << "  loss None";
    for (const auto& [key, v] : e.extras) {
        line << "  " << key << "=";
        if (v.value) {
            line << format_number(*v.value);
        } else if (v.kind == "tensor") {
            line << "tensor[";
            for (std::size_t d = 0; d < v.shape.size(); ++d) line << (d ? ", " : "") << v.shape[d];
            line << "] " << v.dtype << (v.holds_graph() ? " (holds a graph)" : "");
        } else {
            line << v.text;
        }
    }
    if (e.lr) line << "  lr " << format_number(*e.lr);
    if (e.closure_calls > 1) line << "  (closure called " << e.closure_calls << "x)";
    // A None batch that stepped: why the weights moved or not (Z-3).
    if (!e.explanation.empty()) line << "  -- " << format_text(e.explanation);
    return line.str();
}

}  // namespace stepwise
