#include "attach_dialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSettings>

namespace stepwise::gui {

namespace {
const QString kAddressKey = QStringLiteral("attach/address");
}

AttachDialog::AttachDialog(QWidget* parent)
    : QDialog(parent),
      m_address(new QLineEdit(QSettings().value(kAddressKey).toString())),
      m_token(new QLineEdit(qEnvironmentVariable("STEPWISE_TOKEN"))) {
    setWindowTitle(tr("Attach to a running stepwise-run"));
    m_address->setPlaceholderText(QStringLiteral("127.0.0.1:7000"));
    m_token->setEchoMode(QLineEdit::Password);
    auto* help = new QLabel(
        tr("Start the run with <tt>stepwise-run … --listen PORT</tt>; it prints the address and "
           "the token on its first line. For a run on another host, forward the port with "
           "<tt>ssh -L PORT:127.0.0.1:PORT host</tt> and attach to 127.0.0.1:PORT."));
    help->setWordWrap(true);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    connect(buttons, &QDialogButtonBox::accepted, this, &AttachDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &AttachDialog::reject);
    auto* form = new QFormLayout(this);
    form->addRow(help);
    form->addRow(tr("Address (host:port)"), m_address);
    form->addRow(tr("Token"), m_token);
    form->addRow(buttons);
}

QString AttachDialog::address() const {
    return m_address->text();
}

QString AttachDialog::token() const {
    return m_token->text();
}

void AttachDialog::accept() {
    QSettings().setValue(kAddressKey, m_address->text());
    QDialog::accept();
}

}  // namespace stepwise::gui
