#include "record_table.h"

#include <QHeaderView>
#include <QTableWidget>

namespace stepwise::gui {

QTableWidget* makeRecordTable(QWidget* parent, const char* objectName, int columns) {
    auto* table = new QTableWidget(0, columns, parent);
    table->setObjectName(QString::fromLatin1(objectName));
    table->verticalHeader()->setVisible(false);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setShowGrid(false);
    table->setAlternatingRowColors(true);
    table->horizontalHeader()->setStretchLastSection(true);
    return table;
}

}  // namespace stepwise::gui
