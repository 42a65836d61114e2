#include "outputs.h"

#include <iostream>

namespace stepwise::cli {

bool Outputs::open(const Options& options) {
    table_.set_logged_by_lightning(options.script());
    if (!options.trace_path.empty()) {
        trace_file_.open(options.trace_path, std::ios::binary | std::ios::trunc);
        if (!trace_file_) {
            std::cerr << "stepwise-run: cannot write the trace file " << options.trace_path << '\n';
            return false;
        }
        trace_ = std::make_unique<TraceWriter>(trace_file_);
    }
    if (!options.csv_path.empty()) {
        csv_path_ = options.csv_path;
        csv_file_.open(csv_path_, std::ios::binary | std::ios::trunc);
        if (!csv_file_) {
            std::cerr << "stepwise-run: cannot write the CSV file " << csv_path_ << '\n';
            return false;
        }
    }
    if (!options.tensorboard_dir.empty()) {
        try {  // the version directory and the event file are made now
            tensorboard_ = std::make_unique<TensorBoardWriter>(options.tensorboard_dir);
        } catch (const TensorBoardError& e) {
            std::cerr << "stepwise-run: " << e.what() << '\n';
            return false;
        }
    }
    return true;
}

void Outputs::on_event(const Event& event) {
    if (trace_) trace_->on_event(event);
    if (tabulating()) table_.add(event);
}

bool Outputs::finish(bool quiet) {
    if (csv_file_.is_open()) {
        table_.write_csv(csv_file_);
        csv_file_.flush();
        if (!csv_file_) {
            std::cerr << "stepwise-run: could not write all of the CSV file " << csv_path_ << '\n';
            return false;
        }
    }
    if (tensorboard_) {
        try {
            tensorboard_->write(table_);
        } catch (const TensorBoardError& e) {
            std::cerr << "stepwise-run: " << e.what() << '\n';
            return false;
        }
        if (!quiet) std::cout << "tensorboard: " << tensorboard_->directory() << '\n';
    }
    return true;
}

}  // namespace stepwise::cli
