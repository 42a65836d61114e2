#pragma once
// AttachDialog: File > Attach — the address and token of a `stepwise-run --listen`, with how to
// reach one on another host. The address is remembered; the token starts from $STEPWISE_TOKEN.

#include <QDialog>

class QLineEdit;

namespace stepwise::gui {

class AttachDialog : public QDialog {
    Q_OBJECT
  public:
    explicit AttachDialog(QWidget* parent = nullptr);
    QString address() const;
    QString token() const;
    /// Remembers the address for the next time.
    void accept() override;

  private:
    QLineEdit* m_address;
    QLineEdit* m_token;
};

}  // namespace stepwise::gui
