#include "compare_bar.h"

#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>
#include <cmath>

#include "comparison.h"
#include "run_history.h"

namespace stepwise::gui {

namespace {
constexpr double kTolerances[] = {0.0, 1e-12, 1e-9, 1e-6, 1e-3};

QString number(double v) {
    return std::isnan(v) ? QStringLiteral("nan") : QString::number(v, 'g', 4);
}
}  // namespace

CompareBar::CompareBar(Comparison* comparison, QWidget* parent)
    : QWidget(parent), m_comparison(comparison) {
    setObjectName(QStringLiteral("compareBar"));
    m_runs = new QLabel(this);
    m_runs->setTextFormat(Qt::RichText);
    m_differences = new QLabel(this);
    m_differences->setObjectName(QStringLiteral("compareDifferences"));
    m_differences->setWordWrap(true);
    m_differences->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_distance = new QLabel(this);
    m_distance->setObjectName(QStringLiteral("compareDistance"));
    m_distance->setWordWrap(true);  // a narrow dock wraps the strip instead of growing for it
    m_divergence = new QLabel(this);
    m_divergence->setObjectName(QStringLiteral("compareDivergence"));
    m_divergence->setWordWrap(true);
    m_jump = new QPushButton(this);
    m_jump->setObjectName(QStringLiteral("compareJump"));
    m_toleranceLabel = new QLabel(this);
    m_tolerance = new QComboBox(this);
    m_tolerance->setObjectName(QStringLiteral("compareTolerance"));
    for (double t : kTolerances) m_tolerance->addItem(QString(), t);
    m_end = new QPushButton(this);
    m_end->setObjectName(QStringLiteral("compareEnd"));

    auto* top = new QHBoxLayout;
    top->setSpacing(14);
    top->addWidget(m_runs);
    top->addWidget(m_differences, 1);
    top->addWidget(m_end);
    auto* bottom = new QHBoxLayout;
    bottom->setSpacing(10);
    bottom->addWidget(m_distance, 1);
    bottom->addWidget(m_divergence, 1);
    bottom->addWidget(m_jump);
    bottom->addWidget(m_toleranceLabel);
    bottom->addWidget(m_tolerance);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 3, 6, 3);
    layout->setSpacing(2);
    layout->addLayout(top);
    layout->addLayout(bottom);

    connect(m_jump, &QPushButton::clicked, m_comparison, &Comparison::jumpToDivergence);
    connect(m_end, &QPushButton::clicked, m_comparison, &Comparison::end);
    connect(m_tolerance, qOverload<int>(&QComboBox::currentIndexChanged), this, [this](int index) {
        m_comparison->setTolerance(m_tolerance->itemData(index).toDouble());
    });
    connect(m_comparison, &Comparison::divergenceChanged, this, &CompareBar::refresh);
    retranslate();
}

void CompareBar::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) retranslate();
    QWidget::changeEvent(event);
}

void CompareBar::retranslate() {
    m_jump->setText(tr("Go back there"));
    m_jump->setToolTip(
        tr("Sends both runs back to the start of the stretch of data where they first "
           "differ, held there: step through it to see what makes them part."));
    m_end->setText(tr("End comparison"));
    m_end->setToolTip(tr("Run B stops and closes; run A goes on alone."));
    m_toleranceLabel->setText(tr("differ when ‖θ_A − θ_B‖ >"));
    m_tolerance->setItemText(0, tr("0 (bit for bit)"));
    for (int i = 1; i < m_tolerance->count(); ++i)
        m_tolerance->setItemText(i, QString::number(m_tolerance->itemData(i).toDouble(), 'g', 3));
    refresh();
}

void CompareBar::refresh() {
    if (!m_comparison->active()) return;
    m_runs->setText(
        tr("<b style=\"color:#2563eb\">A</b>: %1 · <b style=\"color:#ea580c\">B</b>: %2")
            .arg(m_comparison->nameA().toHtmlEscaped(), m_comparison->nameB().toHtmlEscaped()));
    const QStringList differences = m_comparison->differences();
    m_differences->setText(differences.isEmpty()
                               ? tr("the same config")
                               : tr("differs in %1").arg(differences.join(QStringLiteral(" · "))));
    m_differences->setToolTip(differences.join(QLatin1Char('\n')));

    // The newest batch of run A where both runs had seen the same samples.
    const RunHistory& a = m_comparison->runA()->history();
    QString distance = tr("‖θ_A − θ_B‖: not measured yet");
    for (std::size_t i = a.batchCount(); i-- > 0 && i + 64 >= a.batchCount();) {
        const double d = a.peerDistance(i);
        if (std::isnan(d)) continue;
        distance = tr("‖θ_A − θ_B‖ after A's batch %1: %2").arg(i).arg(number(d));
        break;
    }
    m_distance->setText(distance);
    const auto first = m_comparison->firstDivergence();
    if (first) {
        const auto inB = m_comparison->divergenceInB();
        m_divergence->setText(
            inB ? tr("<b style=\"color:#dc2626\">first difference</b>: after A's batch %1 "
                     "and B's batch %2")
                      .arg(*first)
                      .arg(*inB)
                : tr("<b style=\"color:#dc2626\">first difference</b>: after A's batch %1")
                      .arg(*first));
    } else {
        m_divergence->setText(a.batchCount() == 0
                                  ? tr("no batch compared yet")
                                  : tr("<b style=\"color:#166534\">no difference</b> so far"));
    }
    m_jump->setEnabled(first.has_value() && m_comparison->runA()->canRewind());
}

}  // namespace stepwise::gui
