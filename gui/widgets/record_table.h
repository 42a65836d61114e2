#pragma once
// The read-only tables of the docks (Extras, Metrics, the accumulation ledger): one row per
// record, whole rows selected, no grid, alternating rows, the last column stretched.
//
// Threading contract: GUI thread only.

class QTableWidget;
class QWidget;

namespace stepwise::gui {

QTableWidget* makeRecordTable(QWidget* parent, const char* objectName, int columns);

}  // namespace stepwise::gui
