#include "breakpoints_view.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>
#include <set>

namespace stepwise::gui {

BreakpointsView::BreakpointsView(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("breakpointsView"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    m_table = new QTableWidget(0, ColumnCount, this);
    m_table->setObjectName(QStringLiteral("breakpointsTable"));
    m_table->verticalHeader()->setVisible(false);
    m_table->horizontalHeader()->setSectionResizeMode(EnabledColumn, QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(ConditionColumn, QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(HitsColumn, QHeaderView::ResizeToContents);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    layout->addWidget(m_table, 1);

    auto* row = new QHBoxLayout;
    m_input = new QLineEdit(this);
    m_input->setObjectName(QStringLiteral("breakpointInput"));
    m_input->setClearButtonEnabled(true);
    m_add = new QPushButton(this);
    m_add->setObjectName(QStringLiteral("breakpointAdd"));
    m_remove = new QPushButton(this);
    m_remove->setObjectName(QStringLiteral("breakpointRemove"));
    row->addWidget(m_input, 1);
    row->addWidget(m_add);
    row->addWidget(m_remove);
    layout->addLayout(row);
    m_problem = new QLabel(this);
    m_problem->setObjectName(QStringLiteral("breakpointProblem"));
    m_problem->setWordWrap(true);
    m_problem->setStyleSheet(QStringLiteral("color: #c62828;"));
    m_problem->hide();
    layout->addWidget(m_problem);
    m_help = new QLabel(this);
    m_help->setWordWrap(true);
    m_help->setTextFormat(Qt::RichText);
    layout->addWidget(m_help);

    connect(m_input, &QLineEdit::textChanged, this, &BreakpointsView::checkTyped);
    connect(m_input, &QLineEdit::returnPressed, this, &BreakpointsView::addTyped);
    connect(m_add, &QPushButton::clicked, this, &BreakpointsView::addTyped);
    connect(m_remove, &QPushButton::clicked, this, &BreakpointsView::removeSelected);
    connect(m_table, &QTableWidget::itemChanged, this, &BreakpointsView::onItemChanged);
    connect(m_table, &QTableWidget::itemSelectionChanged, this,
            [this] { m_remove->setEnabled(!m_table->selectedItems().isEmpty()); });
    m_remove->setEnabled(false);
    m_add->setEnabled(false);
    retranslate();
}

std::string BreakpointsView::canonical(const std::string& when) {
    try {
        return format_condition(parse_condition(when));
    } catch (const ConditionError&) {
        return when;
    }
}

void BreakpointsView::setBreakpoints(const std::vector<BreakpointSpec>& breakpoints) {
    m_specs = breakpoints;
    m_hits.clear();
    fillTable();
}

void BreakpointsView::clear() {
    m_hits.clear();
    updateHits();
}

void BreakpointsView::applyEvents(const std::vector<Event>& events) {
    bool counted = false;
    for (const Event& e : events) {
        if (e.type != EventType::warning) continue;
        if (e.text.code != TextCode::breakpoint_hit &&
            e.text.code != TextCode::breakpoint_hit_value)
            continue;
        if (e.text.args.size() < 2) continue;
        ++m_hits[e.text.args[1]];  // the condition, canonical
        counted = true;
    }
    if (counted) updateHits();
}

int BreakpointsView::hits(std::size_t row) const {
    if (row >= m_specs.size()) return 0;
    const auto it = m_hits.find(canonical(m_specs[row].when));
    return it == m_hits.end() ? 0 : it->second;
}

void BreakpointsView::fillTable() {
    m_filling = true;
    m_table->setRowCount(int(m_specs.size()));
    for (int r = 0; r < int(m_specs.size()); ++r) {
        auto* enabled = new QTableWidgetItem;
        enabled->setFlags(Qt::ItemIsUserCheckable | Qt::ItemIsEnabled | Qt::ItemIsSelectable);
        enabled->setCheckState(m_specs[std::size_t(r)].enabled ? Qt::Checked : Qt::Unchecked);
        m_table->setItem(r, EnabledColumn, enabled);
        auto* condition =
            new QTableWidgetItem(QString::fromStdString(m_specs[std::size_t(r)].when));
        condition->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
        m_table->setItem(r, ConditionColumn, condition);
        auto* count = new QTableWidgetItem;
        count->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
        count->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        m_table->setItem(r, HitsColumn, count);
    }
    m_filling = false;
    updateHits();
}

void BreakpointsView::updateHits() {
    m_filling = true;
    for (int r = 0; r < m_table->rowCount(); ++r)
        if (QTableWidgetItem* item = m_table->item(r, HitsColumn))
            item->setText(QString::number(hits(std::size_t(r))));
    m_filling = false;
}

void BreakpointsView::checkTyped() {
    const std::string text = m_input->text().trimmed().toStdString();
    if (text.empty()) {
        m_problem->hide();
        m_add->setEnabled(false);
        return;
    }
    try {
        (void)parse_condition(text);
        m_problem->hide();
        m_add->setEnabled(true);
    } catch (const ConditionError& e) {
        // The parser's own words: what is wrong, at which column (English, like Lightning's).
        m_problem->setText(QString::fromStdString(e.what()));
        m_problem->show();
        m_add->setEnabled(false);
    }
}

bool BreakpointsView::addTyped() {
    const std::string text = m_input->text().trimmed().toStdString();
    if (text.empty()) return false;
    try {
        (void)parse_condition(text);
    } catch (const ConditionError&) {
        checkTyped();
        return false;
    }
    m_specs.push_back(BreakpointSpec{text, true});
    m_input->clear();
    fillTable();
    Q_EMIT breakpointsChanged(m_specs);
    return true;
}

bool BreakpointsView::toggle(const std::string& when) {
    const std::string same = canonical(when);
    const auto found = std::find_if(m_specs.begin(), m_specs.end(), [&](const BreakpointSpec& b) {
        return canonical(b.when) == same;
    });
    const bool add = found == m_specs.end();
    if (add)
        m_specs.push_back(BreakpointSpec{when, true});
    else
        m_specs.erase(found);
    fillTable();
    Q_EMIT breakpointsChanged(m_specs);
    return add;
}

void BreakpointsView::removeSelected() {
    std::set<int> rows;
    for (const QTableWidgetItem* item : m_table->selectedItems()) rows.insert(item->row());
    if (rows.empty()) return;
    for (auto it = rows.rbegin(); it != rows.rend(); ++it)
        if (*it < int(m_specs.size())) m_specs.erase(m_specs.begin() + *it);
    fillTable();
    Q_EMIT breakpointsChanged(m_specs);
}

void BreakpointsView::onItemChanged(QTableWidgetItem* item) {
    if (m_filling || item->column() != EnabledColumn) return;
    const auto row = std::size_t(item->row());
    if (row >= m_specs.size()) return;
    const bool enabled = item->checkState() == Qt::Checked;
    if (m_specs[row].enabled == enabled) return;
    m_specs[row].enabled = enabled;
    Q_EMIT breakpointsChanged(m_specs);
}

void BreakpointsView::retranslate() {
    m_table->setHorizontalHeaderLabels({tr("On"), tr("Condition"), tr("Hits")});
    m_input->setPlaceholderText(
        tr("Add a condition: nonfinite, none, spike > 3, grad_norm > 100, acc < 0.2, "
           "global_step = 50, stage = backward and batch = 2, exception"));
    m_add->setText(tr("Add"));
    m_remove->setText(tr("Delete"));
    m_help->setText(
        tr("A hit holds the run at the next stage boundary and is logged. Changes apply from the "
           "run's next stage boundary and are kept in its config; see the README for the whole "
           "language."));
}

void BreakpointsView::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) retranslate();
    QWidget::changeEvent(event);
}

}  // namespace stepwise::gui
