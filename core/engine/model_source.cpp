#include "model_source.h"

#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "errors.h"

namespace stepwise {

namespace {

[[noreturn]] void fail(const std::string& origin, int line, int column, const std::string& what) {
    throw LoadError(ErrorPhase::model, origin + ":" + std::to_string(line) + ":" +
                                           std::to_string(column) + ": error: " + what);
}

std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::string line;
    std::istringstream in(text);
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        lines.push_back(line);
    }
    return lines;
}

std::string strip_comment(const std::string& s) {
    const auto hash = s.find('#');
    return hash == std::string::npos ? s : s.substr(0, hash);
}

void flatten(const nlohmann::json& j, std::vector<double>& out, std::vector<std::int64_t>& shape,
             std::size_t depth, bool& ragged) {
    if (j.is_number()) {
        if (depth != shape.size()) ragged = true;
        out.push_back(j.get<double>());
        return;
    }
    if (!j.is_array()) {
        ragged = true;
        return;
    }
    const auto n = static_cast<std::int64_t>(j.size());
    if (depth == shape.size())
        shape.push_back(n);
    else if (shape[depth] != n)
        ragged = true;
    for (const auto& item : j) flatten(item, out, shape, depth + 1, ragged);
}

std::int64_t numel(const std::vector<std::int64_t>& shape) {
    std::int64_t n = 1;
    for (auto d : shape) n *= d;
    return n;
}

ParamDecl parse_param(const std::string& line, int number, const std::string& origin) {
    static const std::regex head(
        R"(^param\s+([A-Za-z_][A-Za-z0-9_]*)\s*:\s*\[([^\]]*)\]\s*=\s*(.*?)\s*$)");
    std::smatch m;
    const std::string body = strip_comment(line);
    if (!std::regex_match(body, m, head))
        fail(origin, number, 1,
             "a parameter is declared as `param NAME: [d0, d1, ...] = INITIALISER`");
    ParamDecl decl;
    decl.name = m[1];
    decl.line = number;
    // shape
    std::string dims = m[2];
    std::istringstream dim_in(dims);
    std::string dim;
    const int shape_col = static_cast<int>(m.position(2)) + 1;
    while (std::getline(dim_in, dim, ',')) {
        const auto first = dim.find_first_not_of(" \t");
        if (first == std::string::npos) {
            if (dims.find_first_not_of(" \t") == std::string::npos) break;
            fail(origin, number, shape_col, "empty dimension in the shape of '" + decl.name + "'");
        }
        try {
            std::size_t used = 0;
            const long long d = std::stoll(dim.substr(first), &used);
            if (dim.substr(first + used).find_first_not_of(" \t") != std::string::npos || d < 1)
                throw std::invalid_argument("dim");
            decl.shape.push_back(d);
        } catch (const std::exception&) {
            fail(origin, number, shape_col,
                 "shape of '" + decl.name + "' must be positive integers, got '" + dims + "'");
        }
    }
    // initialiser
    const std::string init = m[3];
    const int init_col = static_cast<int>(m.position(3)) + 1;
    if (!init.empty() && init[0] == '[') {
        nlohmann::json values;
        try {
            values = nlohmann::json::parse(init);
        } catch (const std::exception&) {
            fail(origin, number, init_col,
                 "the literal value of '" + decl.name + "' is not a list of numbers");
        }
        std::vector<std::int64_t> literal_shape;
        bool ragged = false;
        flatten(values, decl.args, literal_shape, 0, ragged);
        if (ragged || literal_shape != decl.shape)
            fail(origin, number, init_col,
                 "the literal value of '" + decl.name + "' does not have the declared shape");
        decl.init = "literal";
        return decl;
    }
    if (!init.empty() &&
        (std::isdigit(static_cast<unsigned char>(init[0])) || init[0] == '-' || init[0] == '.') &&
        decl.shape.empty()) {
        try {
            decl.args = {std::stod(init)};
            decl.init = "literal";
            return decl;
        } catch (const std::exception&) {
        }
    }
    static const std::regex call(R"(^([a-z_]+)\s*(?:\(([^)]*)\))?$)");
    std::smatch c;
    if (!std::regex_match(init, c, call))
        fail(origin, number, init_col,
             "cannot read the initialiser '" + init + "' of '" + decl.name + "'");
    decl.init = c[1];
    std::istringstream args(c[2].str());
    std::string arg;
    while (std::getline(args, arg, ',')) {
        try {
            decl.args.push_back(std::stod(arg));
        } catch (const std::exception&) {
            fail(origin, number, init_col,
                 "initialiser arguments must be numbers, got '" + arg + "'");
        }
    }
    struct Arity {
        const char* name;
        std::size_t n;
    };
    static const Arity kInits[] = {{"zeros", 0},   {"ones", 0},   {"constant", 1},
                                   {"uniform", 2}, {"normal", 2}, {"linear", 1}};
    for (const auto& a : kInits) {
        if (decl.init == a.name) {
            if (decl.args.size() != a.n)
                fail(origin, number, init_col,
                     decl.init + "(...) takes " + std::to_string(a.n) + " argument(s), got " +
                         std::to_string(decl.args.size()));
            if (decl.init == "linear" && decl.args[0] <= 0)
                fail(origin, number, init_col, "linear(fan_in) needs fan_in > 0");
            return decl;
        }
    }
    fail(origin, number, init_col,
         "unknown initialiser '" + decl.init +
             "' (zeros, ones, constant(v), uniform(a, b), normal(mean, std), linear(fan_in), or a "
             "list)");
}

}  // namespace

ParsedSource parse_model_source(const std::string& text, const std::string& origin) {
    ParsedSource parsed;
    std::ostringstream code;
    const auto lines = split_lines(text);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const std::string& line = lines[i];
        const int number = static_cast<int>(i) + 1;
        const bool is_param = line.rfind("param ", 0) == 0 || line.rfind("param\t", 0) == 0;
        const bool is_dtype = line.rfind("dtype ", 0) == 0 || line.rfind("dtype\t", 0) == 0;
        if (is_param) {
            ParamDecl decl = parse_param(line, number, origin);
            for (const auto& other : parsed.params)
                if (other.name == decl.name)
                    fail(origin, number, 7,
                         "parameter '" + decl.name + "' is already declared on line " +
                             std::to_string(other.line));
            if (decl.init == "literal" &&
                static_cast<std::int64_t>(decl.args.size()) != numel(decl.shape))
                fail(origin, number, 1,
                     "the literal value of '" + decl.name + "' does not have the declared shape");
            parsed.params.push_back(std::move(decl));
            code << '\n';
        } else if (is_dtype) {
            std::istringstream in(strip_comment(line));
            std::string word, dtype, extra;
            in >> word >> dtype >> extra;
            if ((dtype != "float32" && dtype != "float64") || !extra.empty())
                fail(origin, number, 7, "dtype must be float32 or float64");
            parsed.dtype = dtype;
            code << '\n';
        } else {
            code << line << '\n';
        }
    }
    if (parsed.params.empty())
        fail(origin, 1, 1,
             "the model declares no parameters (add a line like `param w: [1, 3] = zeros`)");
    parsed.code = code.str();
    return parsed;
}

std::string format_compile_error(const std::string& torch_message, const std::string& origin) {
    // TorchScript reports:  <what>\n  File "<string>", line N\n<code line>\n<spaces>~~~~ <--- HERE
    static const std::regex where(R"re(File "<string>", line (\d+))re");
    std::smatch m;
    int line = 0, column = 0;
    if (std::regex_search(torch_message, m, where)) {
        line = std::stoi(m[1]);
        const auto rest = split_lines(m.suffix().str());
        for (std::size_t i = 1; i < rest.size(); ++i) {
            const auto tilde = rest[i].find('~');
            if (tilde != std::string::npos && rest[i].find("<--- HERE") != std::string::npos) {
                column = static_cast<int>(tilde) + 1;
                break;
            }
        }
    }
    std::string first;
    for (const auto& l : split_lines(torch_message)) {
        if (l.find_first_not_of(" \t") != std::string::npos) {
            first = l.substr(l.find_first_not_of(" \t"));
            break;
        }
    }
    if (!first.empty() && first.back() == ':') first.pop_back();
    std::string head = origin;
    if (line > 0)
        head += ":" + std::to_string(line) + ":" + std::to_string(column > 0 ? column : 1);
    return head + ": error: " + first + "\n" + torch_message;
}

}  // namespace stepwise
