// ConfigPanel, continued: a RunConfig into the form and back — the option tables, the form's
// values, and the checks that say what is wrong before a run starts. Building the form is in
// config_panel.cpp.

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QTableWidget>
#include <algorithm>
#include <limits>

#include "config_panel.h"
#include "stepwise/lessons.h"

namespace stepwise::gui {

QString optionToText(const OptimizerSpec::Value& value) {
    if (const double* d = std::get_if<double>(&value)) return QString::number(*d, 'g', 12);
    if (const bool* b = std::get_if<bool>(&value))
        return *b ? QStringLiteral("true") : QStringLiteral("false");
    if (const std::string* s = std::get_if<std::string>(&value)) return QString::fromStdString(*s);
    QStringList parts;
    for (double d : std::get<std::vector<double>>(value)) parts << QString::number(d, 'g', 12);
    return QLatin1Char('[') + parts.join(QStringLiteral(", ")) + QLatin1Char(']');
}

std::optional<OptimizerSpec::Value> optionFromText(const QString& raw) {
    const QString text = raw.trimmed();
    if (text.isEmpty()) return std::nullopt;
    if (text == QLatin1String("true") || text == QLatin1String("True"))
        return OptimizerSpec::Value(true);
    if (text == QLatin1String("false") || text == QLatin1String("False"))
        return OptimizerSpec::Value(false);
    bool ok = false;
    const double number = text.toDouble(&ok);
    if (ok) return OptimizerSpec::Value(number);
    if (text.startsWith(QLatin1Char('[')) && text.endsWith(QLatin1Char(']'))) {
        std::vector<double> values;
        for (const QString& part :
             text.mid(1, text.size() - 2).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            const double v = part.trimmed().toDouble(&ok);
            if (!ok)
                return OptimizerSpec::Value(text.toStdString());  // the engine names the bad value
            values.push_back(v);
        }
        return OptimizerSpec::Value(values);
    }
    return OptimizerSpec::Value(text.toStdString());
}

namespace {
/// Fills a two-column table (name, value as typed) with `names`, showing the values given.
void fillOptionTable(QTableWidget* table, const std::vector<std::string>& names,
                     const std::map<std::string, OptimizerSpec::Value>& values) {
    table->setRowCount(int(names.size()));
    for (int row = 0; row < int(names.size()); ++row) {
        auto* name = new QTableWidgetItem(QString::fromStdString(names[std::size_t(row)]));
        name->setFlags(Qt::ItemIsEnabled);
        table->setItem(row, 0, name);
        const auto it = values.find(names[std::size_t(row)]);
        table->setItem(
            row, 1,
            new QTableWidgetItem(it == values.end() ? QString() : optionToText(it->second)));
    }
    table->resizeColumnToContents(0);
}

/// The values typed into such a table; empty cells are left out (torch's defaults).
std::map<std::string, OptimizerSpec::Value> readOptionTable(const QTableWidget* table) {
    std::map<std::string, OptimizerSpec::Value> values;
    for (int row = 0; row < table->rowCount(); ++row)
        if (const auto value = optionFromText(table->item(row, 1)->text()))
            values[table->item(row, 0)->text().toStdString()] = *value;
    return values;
}
}  // namespace

void ConfigPanel::setSchedulerOptions(const std::optional<LRSchedulerSpec>& spec) {
    m_scheduler->setCurrentIndex(
        spec ? std::max(0, m_scheduler->findText(QString::fromStdString(spec->name))) : 0);
    if (spec) {
        m_interval->setCurrentText(QString::fromStdString(spec->interval));
        m_frequency->setValue(int(std::min<std::int64_t>(spec->frequency, 1000000)));
    }
    fillOptionTable(m_schedulerOptions,
                    spec ? lr_scheduler_option_names(spec->name) : std::vector<std::string>{},
                    spec ? spec->options : std::map<std::string, OptimizerSpec::Value>{});
}

void ConfigPanel::setOptions(const OptimizerSpec& spec) {
    m_optimizer->setCurrentText(QString::fromStdString(spec.name));
    fillOptionTable(m_options, optimizer_option_names(spec.name), spec.options);
}

void ConfigPanel::setConfig(const RunConfig& config) {
    m_base = config;
    const ModelSpec& model = config.model;
    m_modelKind->setCurrentIndex(model.kind == ModelSpec::Kind::lesson        ? 0
                                 : model.kind == ModelSpec::Kind::torchscript ? 1
                                                                              : 2);
    if (model.kind == ModelSpec::Kind::lesson)
        m_lesson->setCurrentText(QString::fromStdString(model.lesson));
    m_modelPath->setText(QString::fromStdString(model.path));
    m_dataKind->setCurrentIndex(config.data.kind == DataSpec::Kind::file ? 1 : 0);
    m_synthetic->setCurrentText(QString::fromStdString(config.data.synthetic));
    m_samples->setValue(int(config.data.samples));
    m_features->setValue(int(config.data.features));
    m_noise->setValue(config.data.noise);
    m_dataPath->setText(QString::fromStdString(config.data.path));
    setOptions(config.optimizer);
    setSchedulerOptions(config.lr_scheduler);
    if (!config.trainer.limit_train_batches)
        m_limitBatches->clear();
    else if (const auto* n = std::get_if<std::int64_t>(&*config.trainer.limit_train_batches))
        m_limitBatches->setText(QString::number(*n));
    else
        m_limitBatches->setText(
            QString::number(std::get<double>(*config.trainer.limit_train_batches), 'g', 12));
    m_batchSize->setValue(int(config.batch_size));
    m_shuffle->setChecked(config.shuffle);
    m_seed->setValue(int(config.seed));
    m_epochs->setValue(config.trainer.max_epochs
                           ? int(std::clamp<std::int64_t>(*config.trainer.max_epochs, -1, 1000000))
                           : kEpochsNotSet);
    m_maxSteps->setValue(
        int(std::min<std::int64_t>(config.trainer.max_steps, std::numeric_limits<int>::max())));
    m_accumulate->setValue(int(config.trainer.accumulate_grad_batches));
    m_clip->setChecked(config.trainer.gradient_clip_val.has_value());
    m_clipValue->setValue(config.trainer.gradient_clip_val.value_or(0.5));
    const std::string algorithm = config.trainer.gradient_clip_algorithm.value_or("");
    m_clipAlgorithm->setCurrentIndex(algorithm == "norm" ? 1 : algorithm == "value" ? 2 : 0);
    m_zeroGrad->setCurrentIndex(config.zero_grad_set_to_none ? 0 : 1);
    m_error->hide();
    updateEnabled();
    retranslate();
    // A script's Trainer and configure_optimizers set its run: nothing here applies to it.
    const bool script = model.kind == ModelSpec::Kind::script;
    setEnabled(!script);
    setToolTip(script ? tr("This run is your script's: its Trainer arguments and "
                           "configure_optimizers set it. Edit the script and open it again.")
                      : QString());
}

RunConfig ConfigPanel::editedConfig() const {
    RunConfig config = m_base;
    switch (m_modelKind->currentIndex()) {
        case 0:
            config.model.kind = ModelSpec::Kind::lesson;
            config.model.lesson = m_lesson->currentText().toStdString();
            config.model.path.clear();
            break;
        default:
            config.model.kind = m_modelKind->currentIndex() == 1 ? ModelSpec::Kind::torchscript
                                                                 : ModelSpec::Kind::source;
            config.model.path = m_modelPath->text().trimmed().toStdString();
            config.model.lesson.clear();
    }
    config.data.kind =
        m_dataKind->currentIndex() == 1 ? DataSpec::Kind::file : DataSpec::Kind::synthetic;
    config.data.synthetic = m_synthetic->currentText().toStdString();
    config.data.samples = m_samples->value();
    config.data.features = m_features->value();
    config.data.noise = m_noise->value();
    config.data.path = m_dataPath->text().trimmed().toStdString();
    config.optimizer.name = m_optimizer->currentText().toStdString();
    config.optimizer.options = readOptionTable(m_options);
    config.batch_size = m_batchSize->value();
    config.shuffle = m_shuffle->isChecked();
    config.seed = m_seed->value();
    config.trainer.max_epochs = m_epochs->value() == kEpochsNotSet
                                    ? std::nullopt
                                    : std::optional<std::int64_t>(m_epochs->value());
    config.trainer.max_steps = m_maxSteps->value();
    const QString limit = m_limitBatches->text().trimmed();
    bool isInt = false;
    const qlonglong asInt = limit.toLongLong(&isInt);
    bool isNumber = false;
    const double asNumber = limit.toDouble(&isNumber);
    if (limit.isEmpty())
        config.trainer.limit_train_batches.reset();
    else if (isInt)
        config.trainer.limit_train_batches = std::int64_t(asInt);
    else if (isNumber)
        config.trainer.limit_train_batches = asNumber;
    if (m_scheduler->currentIndex() == 0) {
        config.lr_scheduler.reset();
    } else {
        LRSchedulerSpec spec;
        spec.name = m_scheduler->currentText().toStdString();
        spec.interval = m_interval->currentText().toStdString();
        spec.frequency = m_frequency->value();
        spec.options = readOptionTable(m_schedulerOptions);
        config.lr_scheduler = spec;
    }
    config.trainer.accumulate_grad_batches = m_accumulate->value();
    config.trainer.gradient_clip_val =
        m_clip->isChecked() ? std::optional<double>(m_clipValue->value()) : std::nullopt;
    const int algorithm = m_clipAlgorithm->currentIndex();
    config.trainer.gradient_clip_algorithm =
        algorithm == 0 ? std::nullopt
                       : std::optional<std::string>(algorithm == 1 ? "norm" : "value");
    config.zero_grad_set_to_none = m_zeroGrad->currentIndex() == 0;
    return config;
}

std::optional<RunConfig> ConfigPanel::validatedConfig() {
    const QString limit = m_limitBatches->text().trimmed();
    bool isNumber = false;
    limit.toDouble(&isNumber);
    if (!limit.isEmpty() && !isNumber) {
        showError(tr("trainer.limit_train_batches: expected an integer, a fraction or nothing, got "
                     "\"%1\"")
                      .arg(limit));
        return std::nullopt;
    }
    const RunConfig edited = editedConfig();
    try {
        // The round trip runs every check the engine runs on a config file.
        RunConfig config =
            parse_run_config(to_json(edited), edited.base_dir, "configuration panel");
        config.base_dir = edited.base_dir;
        // Text from the source editor is not part of the JSON form: carry it over.
        if (config.model.kind == ModelSpec::Kind::source && edited.model.path == m_base.model.path)
            config.model.inline_source = m_base.model.inline_source;
        m_error->hide();
        return config;
    } catch (const ConfigError& error) {
        showError(QString::fromStdString(error.what()));
    } catch (const std::exception& error) {
        showError(QString::fromStdString(error.what()));
    }
    return std::nullopt;
}

void ConfigPanel::showError(const QString& text) {
    m_error->setText(text);
    m_error->show();
}

QString ConfigPanel::errorText() const {
    return m_error->isHidden() ? QString() : m_error->text();
}

}  // namespace stepwise::gui
