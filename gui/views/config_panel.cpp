#include "config_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QEvent>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <limits>

#include "stepwise/lessons.h"
#include "text/lesson_texts.h"

namespace stepwise::gui {

namespace {
// Form labels, translated in retranslate() (QT_TR_NOOP marks them for lupdate).
const char* const kLabels[] = {
    QT_TRANSLATE_NOOP("stepwise::gui::ConfigPanel", "Model"),
    QT_TRANSLATE_NOOP("stepwise::gui::ConfigPanel", "Lesson"),
    QT_TRANSLATE_NOOP("stepwise::gui::ConfigPanel", "File"),
    QT_TRANSLATE_NOOP("stepwise::gui::ConfigPanel", "Data"),
    QT_TRANSLATE_NOOP("stepwise::gui::ConfigPanel", "Generator"),
    QT_TRANSLATE_NOOP("stepwise::gui::ConfigPanel", "Samples"),
    QT_TRANSLATE_NOOP("stepwise::gui::ConfigPanel", "Features"),
    QT_TRANSLATE_NOOP("stepwise::gui::ConfigPanel", "Noise"),
    QT_TRANSLATE_NOOP("stepwise::gui::ConfigPanel", "Data file"),
    QT_TRANSLATE_NOOP("stepwise::gui::ConfigPanel", "Optimizer"),
    QT_TRANSLATE_NOOP("stepwise::gui::ConfigPanel", "batch_size"),
    QT_TRANSLATE_NOOP("stepwise::gui::ConfigPanel", "shuffle"),
    QT_TRANSLATE_NOOP("stepwise::gui::ConfigPanel", "seed"),
    QT_TRANSLATE_NOOP("stepwise::gui::ConfigPanel", "max_epochs"),
    QT_TRANSLATE_NOOP("stepwise::gui::ConfigPanel", "max_steps"),
    QT_TRANSLATE_NOOP("stepwise::gui::ConfigPanel", "accumulate_grad_batches"),
    QT_TRANSLATE_NOOP("stepwise::gui::ConfigPanel", "gradient_clip_val"),
    QT_TRANSLATE_NOOP("stepwise::gui::ConfigPanel", "gradient_clip_algorithm"),
    QT_TRANSLATE_NOOP("stepwise::gui::ConfigPanel", "zero_grad"),
    QT_TRANSLATE_NOOP("stepwise::gui::ConfigPanel", "Scheduler"),
    QT_TRANSLATE_NOOP("stepwise::gui::ConfigPanel", "interval"),
    QT_TRANSLATE_NOOP("stepwise::gui::ConfigPanel", "frequency"),
    QT_TRANSLATE_NOOP("stepwise::gui::ConfigPanel", "limit_train_batches"),
};

QSpinBox* spin(QWidget* parent, int min, int max) {
    auto* box = new QSpinBox(parent);
    box->setRange(min, max);
    return box;
}

/// max_epochs: -2 stands for "not set" (Trainer(max_epochs=None)), -1 for "no limit".
class EpochLimitBox : public QSpinBox {
  public:
    static constexpr int kNotSet = ConfigPanel::kEpochsNotSet;
    explicit EpochLimitBox(QWidget* parent) : QSpinBox(parent) { setRange(kNotSet, 1000000); }

  protected:
    void changeEvent(QEvent* event) override {
        QSpinBox::changeEvent(event);
        if (event->type() == QEvent::LanguageChange) lineEdit()->setText(textFromValue(value()));
    }
    QString textFromValue(int value) const override {
        if (value == kNotSet) return ConfigPanel::tr("not set");
        if (value == -1) return ConfigPanel::tr("no limit");
        return QSpinBox::textFromValue(value);
    }
    int valueFromText(const QString& text) const override {
        if (text == ConfigPanel::tr("not set")) return kNotSet;
        if (text == ConfigPanel::tr("no limit")) return -1;
        return QSpinBox::valueFromText(text);
    }
    QValidator::State validate(QString& text, int& pos) const override {
        if (ConfigPanel::tr("not set").startsWith(text) ||
            ConfigPanel::tr("no limit").startsWith(text))
            return text == ConfigPanel::tr("not set") || text == ConfigPanel::tr("no limit")
                       ? QValidator::Acceptable
                       : QValidator::Intermediate;
        return QSpinBox::validate(text, pos);
    }
};
}  // namespace

QLabel* ConfigPanel::formLabel(QWidget* group, int labelIndex) {
    auto* label = new QLabel(group);
    label->setProperty("labelIndex",
                       labelIndex);  // its text: kLabels[labelIndex], in retranslate()
    m_formLabels << label;
    return label;
}

ConfigPanel::ConfigPanel(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(buildModelGroup());
    layout->addWidget(buildDataGroup());
    layout->addWidget(buildOptimizerGroup());
    layout->addWidget(buildSchedulerGroup());
    layout->addWidget(buildTrainerGroup());
    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("configError"));
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setStyleSheet(
        QStringLiteral("QLabel { background: #fee2e2; color: #991b1b; border: 1px solid #fca5a5;"
                       " border-radius: 4px; padding: 6px; }"));
    m_error->hide();
    layout->addWidget(m_error);
    auto* buttons = new QHBoxLayout;
    m_revert = new QPushButton(this);
    m_apply = new QPushButton(this);
    m_apply->setObjectName(QStringLiteral("configApply"));
    m_apply->setDefault(true);
    buttons->addStretch(1);
    buttons->addWidget(m_revert);
    buttons->addWidget(m_apply);
    layout->addLayout(buttons);
    layout->addStretch(1);

    connect(m_apply, &QPushButton::clicked, this, [this] {
        if (const auto config = validatedConfig()) Q_EMIT applyRequested(*config);
    });
    connect(m_revert, &QPushButton::clicked, this, [this] { setConfig(m_base); });
    retranslate();
}

QWidget* ConfigPanel::buildModelGroup() {
    m_modelGroup = new QGroupBox(this);
    auto* form = new QFormLayout(m_modelGroup);
    m_modelKind = new QComboBox(m_modelGroup);
    m_modelKind->addItems({QString(), QString(), QString()});
    m_lesson = new QComboBox(m_modelGroup);
    m_lesson->setObjectName(QStringLiteral("lessonBox"));
    for (const Lesson& lesson : lessons()) m_lesson->addItem(QString::fromStdString(lesson.name));
    m_lessonText = new QLabel(m_modelGroup);
    m_lessonText->setWordWrap(true);
    m_lessonText->setStyleSheet(QStringLiteral("QLabel { color: #4b5563; }"));
    m_modelPath = new QLineEdit(m_modelGroup);
    m_modelBrowse = new QPushButton(m_modelGroup);
    auto* pathRow = new QHBoxLayout;
    pathRow->addWidget(m_modelPath, 1);
    pathRow->addWidget(m_modelBrowse);
    auto addRow = [this, form](int label, auto* field) {
        form->addRow(formLabel(m_modelGroup, label), field);
    };
    addRow(0, m_modelKind);
    addRow(1, m_lesson);
    form->addRow(m_lessonText);
    addRow(2, pathRow);
    connect(m_modelKind, qOverload<int>(&QComboBox::currentIndexChanged), this,
            &ConfigPanel::updateEnabled);
    connect(m_lesson, &QComboBox::textActivated, this, [this](const QString& name) {
        if (const Lesson* lesson = find_lesson(name.toStdString())) {
            try {
                RunConfig config =
                    parse_run_config(lesson->config_json, m_base.base_dir, name.toStdString());
                config.base_dir = m_base.base_dir;
                m_base = config;
                setConfig(config);
            } catch (const ConfigError& error) {
                showError(QString::fromStdString(error.what()));
            }
            Q_EMIT lessonPicked(name);
        }
    });
    connect(m_modelBrowse, &QPushButton::clicked, this, [this] {
        const QString path =
            browse(tr("Open model"), tr("Models (*.pt *.stepwise);;All files (*)"));
        if (path.isEmpty()) return;
        m_modelPath->setText(path);
        m_modelKind->setCurrentIndex(path.endsWith(QLatin1String(".stepwise")) ? 2 : 1);
        Q_EMIT modelFilePicked(path);
    });
    return m_modelGroup;
}

QWidget* ConfigPanel::buildDataGroup() {
    m_dataGroup = new QGroupBox(this);
    auto* form = new QFormLayout(m_dataGroup);
    m_dataKind = new QComboBox(m_dataGroup);
    m_dataKind->addItems({QString(), QString()});
    m_synthetic = new QComboBox(m_dataGroup);
    m_synthetic->addItems(
        {QStringLiteral("linear"), QStringLiteral("spiral"), QStringLiteral("moons")});
    m_samples = spin(m_dataGroup, 1, 10000000);
    m_features = spin(m_dataGroup, 1, 4096);
    m_noise = new QDoubleSpinBox(m_dataGroup);
    m_noise->setRange(0, 100);
    m_noise->setDecimals(3);
    m_noise->setSingleStep(0.05);
    m_dataPath = new QLineEdit(m_dataGroup);
    m_dataBrowse = new QPushButton(m_dataGroup);
    auto* pathRow = new QHBoxLayout;
    pathRow->addWidget(m_dataPath, 1);
    pathRow->addWidget(m_dataBrowse);
    int index = 3;
    for (QWidget* field :
         std::initializer_list<QWidget*>{m_dataKind, m_synthetic, m_samples, m_features, m_noise})
        form->addRow(formLabel(m_dataGroup, index++), field);
    form->addRow(formLabel(m_dataGroup, index), pathRow);
    connect(m_dataKind, qOverload<int>(&QComboBox::currentIndexChanged), this,
            &ConfigPanel::updateEnabled);
    connect(m_dataBrowse, &QPushButton::clicked, this, [this] {
        const QString path =
            browse(tr("Open data"), tr("Tensors saved by torch.save (*.pt *.pth);;All files (*)"));
        if (!path.isEmpty()) {
            m_dataPath->setText(path);
            m_dataKind->setCurrentIndex(1);
        }
    });
    return m_dataGroup;
}

QWidget* ConfigPanel::buildOptimizerGroup() {
    m_optimizerGroup = new QGroupBox(this);
    auto* form = new QFormLayout(m_optimizerGroup);
    m_optimizer = new QComboBox(m_optimizerGroup);
    m_optimizer->setObjectName(QStringLiteral("optimizerBox"));
    for (const std::string& name : optimizer_names())
        m_optimizer->addItem(QString::fromStdString(name));
    m_options = new QTableWidget(0, 2, m_optimizerGroup);
    m_options->setObjectName(QStringLiteral("optimizerOptions"));
    m_options->verticalHeader()->setVisible(false);
    m_options->horizontalHeader()->setStretchLastSection(true);
    m_options->setMinimumHeight(150);
    form->addRow(formLabel(m_optimizerGroup, 9), m_optimizer);
    form->addRow(m_options);
    connect(m_optimizer, &QComboBox::textActivated, this, [this](const QString& name) {
        // Keep the values of options the new optimizer shares with the old one (lr, ...).
        OptimizerSpec spec = editedConfig().optimizer;
        spec.name = name.toStdString();
        const auto& allowed = optimizer_option_names(spec.name);
        for (auto it = spec.options.begin(); it != spec.options.end();)
            it = std::find(allowed.begin(), allowed.end(), it->first) == allowed.end()
                     ? spec.options.erase(it)
                     : std::next(it);
        setOptions(spec);
    });
    return m_optimizerGroup;
}

QWidget* ConfigPanel::buildSchedulerGroup() {
    m_schedulerGroup = new QGroupBox(this);
    auto* form = new QFormLayout(m_schedulerGroup);
    m_scheduler = new QComboBox(m_schedulerGroup);
    m_scheduler->setObjectName(QStringLiteral("schedulerBox"));
    m_scheduler->addItem(QString());  // none
    for (const std::string& name : lr_scheduler_names())
        m_scheduler->addItem(QString::fromStdString(name));
    m_interval = new QComboBox(m_schedulerGroup);
    m_interval->addItems({QStringLiteral("epoch"), QStringLiteral("step")});
    m_frequency = spin(m_schedulerGroup, 1, 1000000);
    m_schedulerOptions = new QTableWidget(0, 2, m_schedulerGroup);
    m_schedulerOptions->setObjectName(QStringLiteral("schedulerOptions"));
    m_schedulerOptions->verticalHeader()->setVisible(false);
    m_schedulerOptions->horizontalHeader()->setStretchLastSection(true);
    m_schedulerOptions->setMinimumHeight(90);
    int index = 19;
    auto addRow = [&](QWidget* field) {
        form->addRow(formLabel(m_schedulerGroup, index++), field);
    };
    addRow(m_scheduler);
    addRow(m_interval);
    addRow(m_frequency);
    form->addRow(m_schedulerOptions);
    connect(m_scheduler, &QComboBox::textActivated, this, [this] {
        // Keep the values of arguments the new scheduler shares with the old one (gamma, ...).
        std::optional<LRSchedulerSpec> spec = editedConfig().lr_scheduler;
        if (spec) {
            const auto& allowed = lr_scheduler_option_names(spec->name);
            for (auto it = spec->options.begin(); it != spec->options.end();)
                it = std::find(allowed.begin(), allowed.end(), it->first) == allowed.end()
                         ? spec->options.erase(it)
                         : std::next(it);
        }
        setSchedulerOptions(spec);
        updateEnabled();
    });
    return m_schedulerGroup;
}

QWidget* ConfigPanel::buildTrainerGroup() {
    m_trainerGroup = new QGroupBox(this);
    auto* form = new QFormLayout(m_trainerGroup);
    m_batchSize = spin(m_trainerGroup, 1, 1000000);
    m_batchSize->setObjectName(QStringLiteral("batchSizeBox"));
    m_shuffle = new QCheckBox(m_trainerGroup);
    m_seed = spin(m_trainerGroup, 0, std::numeric_limits<int>::max());
    m_epochs = new EpochLimitBox(m_trainerGroup);
    m_epochs->setObjectName(QStringLiteral("maxEpochsBox"));
    m_maxSteps = spin(m_trainerGroup, -1, std::numeric_limits<int>::max());
    m_limitBatches = new QLineEdit(m_trainerGroup);
    m_limitBatches->setObjectName(QStringLiteral("limitBatchesEdit"));
    m_accumulate = spin(m_trainerGroup, 1, 100000);
    m_accumulate->setObjectName(QStringLiteral("accumulateBox"));
    m_clip = new QCheckBox(m_trainerGroup);
    m_clipValue = new QDoubleSpinBox(m_trainerGroup);
    m_clipValue->setRange(0, 1e9);
    m_clipValue->setDecimals(4);
    auto* clipRow = new QHBoxLayout;
    clipRow->addWidget(m_clip);
    clipRow->addWidget(m_clipValue, 1);
    m_clipAlgorithm = new QComboBox(m_trainerGroup);
    m_clipAlgorithm->addItems({QString(), QStringLiteral("norm"), QStringLiteral("value")});
    m_zeroGrad = new QComboBox(m_trainerGroup);
    m_zeroGrad->addItems({QString(), QString()});
    int index = 10;
    auto addRow = [&](auto* field) { form->addRow(formLabel(m_trainerGroup, index++), field); };
    addRow(m_batchSize);
    addRow(m_shuffle);
    addRow(m_seed);
    addRow(m_epochs);
    addRow(m_maxSteps);
    form->addRow(formLabel(m_trainerGroup, 22), m_limitBatches);
    addRow(m_accumulate);
    addRow(clipRow);
    addRow(m_clipAlgorithm);
    addRow(m_zeroGrad);
    connect(m_clip, &QCheckBox::toggled, this, &ConfigPanel::updateEnabled);
    return m_trainerGroup;
}

void ConfigPanel::retranslate() {
    for (QLabel* label : std::as_const(m_formLabels))
        label->setText(tr(kLabels[label->property("labelIndex").toInt()]));
    m_modelGroup->setTitle(tr("Model"));
    m_dataGroup->setTitle(tr("Data"));
    m_optimizerGroup->setTitle(tr("Optimizer"));
    m_trainerGroup->setTitle(tr("Trainer"));
    m_schedulerGroup->setTitle(tr("LR scheduler"));
    m_scheduler->setItemText(0, tr("none"));
    m_scheduler->setToolTip(
        tr("torch.optim.lr_scheduler, as configure_optimizers returns it; "
           "Lightning steps it after optimizer steps"));
    m_schedulerOptions->setHorizontalHeaderLabels(
        {tr("Argument"), tr("Value (empty: torch default)")});
    m_limitBatches->setPlaceholderText(tr("all (1.0)"));
    m_limitBatches->setToolTip(
        tr("an int: that many batches; a fraction in [0, 1]: that part of "
           "the epoch"));
    m_modelKind->setItemText(0, tr("Built-in lesson"));
    m_modelKind->setItemText(1, tr("TorchScript module (.pt)"));
    m_modelKind->setItemText(2, tr("Stepwise source (.stepwise)"));
    m_modelBrowse->setText(tr("Browse…"));
    m_dataBrowse->setText(tr("Browse…"));
    m_dataKind->setItemText(0, tr("Synthetic"));
    m_dataKind->setItemText(1, tr("File"));
    m_options->setHorizontalHeaderLabels({tr("Option"), tr("Value (empty: torch default)")});
    m_epochs->setToolTip(
        tr("not set: as Lightning, 1000 epochs when max_steps has no limit, otherwise no epoch "
           "limit"));
    m_maxSteps->setSpecialValueText(tr("no limit"));
    m_clipAlgorithm->setItemText(0, tr("default (norm)"));
    m_zeroGrad->setItemText(0, tr("set to None (torch ≥ 2)"));
    m_zeroGrad->setItemText(1, tr("zero-fill (torch < 2)"));
    m_clip->setText(tr("clip"));
    m_shuffle->setText(QString());
    m_revert->setText(tr("Revert"));
    m_apply->setText(tr("Apply and reset"));
    m_apply->setToolTip(tr("Validate the configuration and restart the session with it"));
    if (const Lesson* lesson = find_lesson(m_lesson->currentText().toStdString()))
        m_lessonText->setText(QStringLiteral("<b>%1</b><br>%2")
                                  .arg(lessonTitle(*lesson).toHtmlEscaped(),
                                       lessonDescription(*lesson).toHtmlEscaped()));
}

void ConfigPanel::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) retranslate();
    QWidget::changeEvent(event);
}

void ConfigPanel::updateEnabled() {
    const int kind = m_modelKind->currentIndex();
    m_lesson->setEnabled(kind == 0);
    m_lessonText->setVisible(kind == 0);
    m_modelPath->setEnabled(kind != 0);
    const bool file = m_dataKind->currentIndex() == 1;
    m_synthetic->setEnabled(!file);
    m_samples->setEnabled(!file);
    m_features->setEnabled(!file);
    m_noise->setEnabled(!file);
    m_dataPath->setEnabled(file);
    m_clipValue->setEnabled(m_clip->isChecked());
    const bool scheduler = m_scheduler->currentIndex() > 0;
    m_interval->setEnabled(scheduler);
    m_frequency->setEnabled(scheduler);
    m_schedulerOptions->setVisible(scheduler);
}

QString ConfigPanel::browse(const QString& title, const QString& filter) {
    return QFileDialog::getOpenFileName(this, title, QString::fromStdString(m_base.base_dir),
                                        filter);
}

}  // namespace stepwise::gui
