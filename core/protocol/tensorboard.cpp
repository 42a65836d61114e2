#include "stepwise/tensorboard.h"

#include <unistd.h>

#include <boost/crc.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <system_error>

#include "tensorboard_event.pb.h"

namespace stepwise {
namespace fs = std::filesystem;

std::vector<TensorBoardScalar> tensorboard_scalars(const BatchTable& table) {
    if (table.logged_by_lightning()) {
        // A script: exactly what Lightning's loggers got (TensorBoardLogger writes each metric
        // of a log_metrics call at its step, `epoch` included), then Stepwise's own figures.
        std::vector<TensorBoardScalar> out;
        for (const auto& [where, call] : table.logger_calls())
            for (const auto& [name, value] : call.values) out.push_back({call.step, name, value});
        for (const BatchTable::Row& row : table.rows()) {
            if (!row.stepped) continue;
            const std::int64_t step = row.global_step - 1;
            if (row.loss) out.push_back({step, "stepwise/backward_loss", *row.loss});
            if (row.grad_norm) out.push_back({step, "stepwise/grad_norm", *row.grad_norm});
            if (row.update_norm) out.push_back({step, "stepwise/update_norm", *row.update_norm});
            if (row.lr) out.push_back({step, "stepwise/lr", *row.lr});
        }
        return out;
    }
    const std::vector<std::string>& keys = table.extra_keys();
    // What the epoch has logged so far: [0] the loss, [1 + j] extra j. Lightning's result
    // collection starts empty every epoch and keeps each name's latest value.
    std::vector<std::optional<double>> logged(1 + keys.size());
    bool user_epoch =
        false;  // an extra called "epoch" is the user's; Lightning does not add its own
    for (const std::string& key : keys) user_epoch = user_epoch || key == "epoch";
    std::vector<TensorBoardScalar> out;
    std::optional<std::int64_t> epoch;
    for (const BatchTable::Row& row : table.rows()) {
        if (epoch != row.epoch) logged.assign(logged.size(), std::nullopt);
        epoch = row.epoch;
        if (row.loss_raw) logged[0] = row.loss_raw;
        for (std::size_t j = 0; j < row.extras.size() && j < keys.size(); ++j)
            if (row.extras[j]) logged[1 + j] = row.extras[j];
        if (!row.stepped) continue;  // accumulating: Lightning logs nothing for this batch
        const std::int64_t step = row.global_step - 1;
        bool any = false;
        for (std::size_t i = 0; i < logged.size(); ++i) {
            if (!logged[i]) continue;
            out.push_back({step, i == 0 ? std::string("loss") : keys[i - 1], *logged[i]});
            any = true;
        }
        if (any && !user_epoch) out.push_back({step, "epoch", double(row.epoch)});
        if (row.loss) out.push_back({step, "stepwise/backward_loss", *row.loss});
        if (row.grad_norm) out.push_back({step, "stepwise/grad_norm", *row.grad_norm});
        if (row.update_norm) out.push_back({step, "stepwise/update_norm", *row.update_norm});
        if (row.lr) out.push_back({step, "stepwise/lr", *row.lr});
    }
    return out;
}

std::uint32_t crc32c(const void* data, std::size_t size) {
    boost::crc_optimal<32, 0x1EDC6F41, 0xFFFFFFFF, 0xFFFFFFFF, true, true> crc;
    crc.process_bytes(data, size);
    return crc.checksum();
}

std::uint32_t masked_crc32c(const void* data, std::size_t size) {
    const std::uint32_t crc = crc32c(data, size);
    return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
}

std::string next_tensorboard_version(const std::string& root) {
    std::error_code ec;
    std::optional<long long> largest;
    for (fs::directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.rfind("version_", 0) != 0 || !it->is_directory(ec)) continue;
        // Lightning reads the text between the first and second underscore: version_3_old is 3.
        const std::string digits = name.substr(8, name.find('_', 8) - 8);
        if (digits.empty() || digits.size() > 18 ||
            digits.find_first_not_of("0123456789") != std::string::npos)
            continue;
        const long long n = std::stoll(digits);
        if (!largest || n > *largest) largest = n;
    }
    return "version_" + std::to_string(largest ? *largest + 1 : 0);
}

namespace {

double wall_time_now() {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

void put_u32(std::string& out, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out.push_back(char((v >> (8 * i)) & 0xff));
}

}  // namespace

TensorBoardWriter::TensorBoardWriter(const std::string& root) {
    std::error_code ec;
    fs::create_directories(root, ec);
    if (ec || !fs::is_directory(root))
        throw TensorBoardError(
            "cannot create the TensorBoard directory " + root +
            (ec ? ": " + ec.message() : std::string(": a file of that name is in the way")));
    const fs::path dir = fs::path(root) / next_tensorboard_version(root);
    if (!fs::create_directory(dir, ec) || ec)
        throw TensorBoardError("cannot create " + dir.string() +
                               (ec ? ": " + ec.message() : std::string()));
    directory_ = dir.string();
    char host[256] = {};
    if (gethostname(host, sizeof host - 1) != 0 || !host[0])
        std::snprintf(host, sizeof host, "localhost");
    char name[400];
    std::snprintf(name, sizeof name, "events.out.tfevents.%010lld.%s.%lld.0",
                  (long long)wall_time_now(), host, (long long)getpid());
    file_ = (dir / name).string();
    out_.open(file_, std::ios::binary | std::ios::trunc);
    if (!out_) throw TensorBoardError("cannot write the TensorBoard event file " + file_);
    tensorboard::Event first;
    first.set_wall_time(wall_time_now());
    first.set_file_version("brain.Event:2");
    record(first.SerializeAsString());
    out_.flush();
    if (!out_) throw TensorBoardError("cannot write the TensorBoard event file " + file_);
}

void TensorBoardWriter::record(const std::string& event_bytes) {
    std::string framed;
    framed.reserve(event_bytes.size() + 16);
    const std::uint64_t length = event_bytes.size();
    for (int i = 0; i < 8; ++i) framed.push_back(char((length >> (8 * i)) & 0xff));
    put_u32(framed, masked_crc32c(framed.data(), 8));
    framed += event_bytes;
    put_u32(framed, masked_crc32c(event_bytes.data(), event_bytes.size()));
    out_.write(framed.data(), std::streamsize(framed.size()));
}

void TensorBoardWriter::write(const std::vector<TensorBoardScalar>& scalars) {
    tensorboard::Event event;
    for (const TensorBoardScalar& s : scalars) {
        event.Clear();
        event.set_wall_time(wall_time_now());
        event.set_step(s.step);
        tensorboard::Summary::Value* value = event.mutable_summary()->add_value();
        value->set_tag(s.tag);
        value->set_simple_value(float(s.value));
        record(event.SerializeAsString());
    }
    out_.flush();
    if (!out_) throw TensorBoardError("could not write all of the TensorBoard event file " + file_);
}

void TensorBoardWriter::write(const BatchTable& table) {
    write(tensorboard_scalars(table));
}

}  // namespace stepwise
