#pragma once
// ConfigPanel: edits a RunConfig — lesson or model file, data, optimizer and its options, batch
// size, shuffle, seed, epochs, max_steps, limit_train_batches, accumulation, clipping, zero_grad
// mode, and the lr scheduler with its options, interval and frequency. Apply validates
// by a to_json / parse_run_config round trip and shows the ConfigError text when it fails.

#include <QWidget>
#include <optional>

#include "stepwise/run_config.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace stepwise::gui {

class ConfigPanel : public QWidget {
    Q_OBJECT
  public:
    /// The max_epochs box's value for "not set" (Trainer(max_epochs=None)); -1 is "no limit".
    static constexpr int kEpochsNotSet = -2;
    explicit ConfigPanel(QWidget* parent = nullptr);

    /// Shows a config (the one the current session runs).
    void setConfig(const RunConfig& config);
    /// The config as edited, not yet validated.
    RunConfig editedConfig() const;
    /// Validates the edited config; on failure returns nullopt and shows the error.
    std::optional<RunConfig> validatedConfig();
    QString errorText() const;

    /// The panel's widgets, for tests.
    QComboBox* lessonBox() const { return m_lesson; }
    QComboBox* optimizerBox() const { return m_optimizer; }
    QSpinBox* accumulateBox() const { return m_accumulate; }
    QSpinBox* batchSizeBox() const { return m_batchSize; }
    QTableWidget* optionTable() const { return m_options; }
    QComboBox* schedulerBox() const { return m_scheduler; }
    QTableWidget* schedulerOptionTable() const { return m_schedulerOptions; }
    QSpinBox* maxEpochsBox() const { return m_epochs; }
    QLineEdit* limitBatchesEdit() const { return m_limitBatches; }
    QPushButton* applyButton() const { return m_apply; }

  Q_SIGNALS:
    /// Apply pressed with a valid config.
    void applyRequested(const stepwise::RunConfig& config);
    /// A built-in lesson was picked (its config is now in the panel).
    void lessonPicked(const QString& name);
    /// A model file was picked (.stepwise sources go to the editor).
    void modelFilePicked(const QString& path);

  protected:
    void changeEvent(QEvent* event) override;

  private:
    QWidget* buildModelGroup();
    QWidget* buildDataGroup();
    QWidget* buildOptimizerGroup();
    QWidget* buildSchedulerGroup();
    QWidget* buildTrainerGroup();
    /// A form row's label, worded from kLabels by retranslate().
    QLabel* formLabel(QWidget* group, int labelIndex);
    void retranslate();
    void setOptions(const OptimizerSpec& spec);
    void setSchedulerOptions(const std::optional<LRSchedulerSpec>& spec);
    void updateEnabled();
    void showError(const QString& text);
    QString browse(const QString& title, const QString& filter);

    RunConfig m_base;
    QGroupBox* m_modelGroup = nullptr;
    QGroupBox* m_dataGroup = nullptr;
    QGroupBox* m_optimizerGroup = nullptr;
    QGroupBox* m_trainerGroup = nullptr;
    QGroupBox* m_schedulerGroup = nullptr;
    QComboBox* m_scheduler = nullptr;
    QComboBox* m_interval = nullptr;
    QSpinBox* m_frequency = nullptr;
    QTableWidget* m_schedulerOptions = nullptr;
    QLineEdit* m_limitBatches = nullptr;
    QComboBox* m_modelKind = nullptr;
    QComboBox* m_lesson = nullptr;
    QLabel* m_lessonText = nullptr;
    QLineEdit* m_modelPath = nullptr;
    QPushButton* m_modelBrowse = nullptr;
    QComboBox* m_dataKind = nullptr;
    QComboBox* m_synthetic = nullptr;
    QSpinBox* m_samples = nullptr;
    QSpinBox* m_features = nullptr;
    QDoubleSpinBox* m_noise = nullptr;
    QLineEdit* m_dataPath = nullptr;
    QPushButton* m_dataBrowse = nullptr;
    QComboBox* m_optimizer = nullptr;
    QTableWidget* m_options = nullptr;
    QSpinBox* m_batchSize = nullptr;
    QCheckBox* m_shuffle = nullptr;
    QSpinBox* m_seed = nullptr;
    QSpinBox* m_epochs = nullptr;
    QSpinBox* m_maxSteps = nullptr;
    QSpinBox* m_accumulate = nullptr;
    QCheckBox* m_clip = nullptr;
    QDoubleSpinBox* m_clipValue = nullptr;
    QComboBox* m_clipAlgorithm = nullptr;
    QComboBox* m_zeroGrad = nullptr;
    QPushButton* m_apply = nullptr;
    QPushButton* m_revert = nullptr;
    QLabel* m_error = nullptr;
    QList<QLabel*> m_formLabels;
};

/// An option value as the user types it: "0.9", "true", "[0.9, 0.999]", "strong_wolfe".
QString optionToText(const OptimizerSpec::Value& value);
std::optional<OptimizerSpec::Value> optionFromText(const QString& text);

}  // namespace stepwise::gui
