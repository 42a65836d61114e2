#pragma once
// Numbers as text, all from one source: the shortest decimal digits that read back to the same
// double (std::to_chars), laid out three ways — as Python's repr() prints a float (Lightning's
// messages quote the user's values that way), as printf's %g would with those digits (the
// breakpoint language's canonical form), and as to_chars' shortest form (the CSV export). NaN and
// infinities are "nan", "inf" and "-inf" in all three.

#include <string>

namespace stepwise {

/// Python's repr(float): "0.1", "3.0", "1e-05", "1.5e+16", "-inf".
std::string python_float_repr(double value);
/// The shortest digits in %g's layout: "3", "0.25", "1e-05", "1.23457e+06" only when that reads
/// back the same (else "1234567"). Fixed notation up to 6 significant digits' worth of exponent,
/// 10 or 17 for longer digit strings, as %.6g, %.10g or %.17g would lay them out.
std::string general_number(double value);
/// std::to_chars' shortest form: fixed or scientific, whichever is shorter ("100000000" is
/// "1e+08").
std::string shortest_number(double value);

}  // namespace stepwise
