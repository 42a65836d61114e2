#pragma once
// A TensorBoard event file reader for the tests, written from the format's description and sharing
// nothing with Stepwise's writer: no protobuf library (the wire format decoded by hand), no Boost
// (CRC-32C bit by bit). It checks both CRCs of every record and refuses anything it does not
// expect, so a test that reads a file back through it checks the bytes TensorBoard will see.

#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

namespace tfevents {

struct Value {
    std::string tag;
    bool has_simple_value = false;
    float simple_value = 0;
};

struct Event {
    double wall_time = 0;
    std::int64_t step = 0;
    bool has_file_version = false;
    std::string file_version;
    bool has_summary = false;
    std::vector<Value> values;
};

inline std::uint32_t crc32c_bitwise(const unsigned char* p, std::size_t n) {
    std::uint32_t crc = 0xFFFFFFFFu;
    for (std::size_t i = 0; i < n; ++i) {
        crc ^= p[i];
        for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0x82F63B78u & (0u - (crc & 1u)));
    }
    return ~crc;
}

inline std::uint32_t masked(std::uint32_t crc) {
    return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
}

class Cursor {
  public:
    Cursor(const unsigned char* p, std::size_t n) : p_(p), end_(p + n) {}
    bool done() const { return p_ == end_; }
    std::uint64_t varint() {
        std::uint64_t v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (p_ == end_) throw std::runtime_error("truncated varint");
            const unsigned char b = *p_++;
            v |= std::uint64_t(b & 0x7f) << shift;
            if (!(b & 0x80)) return v;
        }
        throw std::runtime_error("varint too long");
    }
    template <typename T>
    T fixed() {
        if (std::size_t(end_ - p_) < sizeof(T)) throw std::runtime_error("truncated fixed field");
        T v;
        std::memcpy(&v, p_, sizeof(T));  // little-endian, as this machine
        p_ += sizeof(T);
        return v;
    }
    Cursor sub() {
        const std::uint64_t n = varint();
        if (n > std::uint64_t(end_ - p_))
            throw std::runtime_error("truncated length-delimited field");
        Cursor c(p_, std::size_t(n));
        p_ += n;
        return c;
    }
    std::string text() {
        Cursor c = sub();
        return std::string(reinterpret_cast<const char*>(c.p_), std::size_t(c.end_ - c.p_));
    }
    void skip(unsigned wire) {
        if (wire == 0)
            varint();
        else if (wire == 1)
            fixed<std::uint64_t>();
        else if (wire == 2)
            sub();
        else if (wire == 5)
            fixed<std::uint32_t>();
        else
            throw std::runtime_error("unexpected wire type " + std::to_string(wire));
    }

  private:
    const unsigned char* p_;
    const unsigned char* end_;
};

inline Value parse_value(Cursor c) {
    Value v;
    while (!c.done()) {
        const std::uint64_t key = c.varint();
        const unsigned field = unsigned(key >> 3), wire = unsigned(key & 7);
        if (field == 1 && wire == 2)
            v.tag = c.text();
        else if (field == 2 && wire == 5)
            v.has_simple_value = true, v.simple_value = c.fixed<float>();
        else
            c.skip(wire);
    }
    return v;
}

inline Event parse_event(Cursor c) {
    Event e;
    while (!c.done()) {
        const std::uint64_t key = c.varint();
        const unsigned field = unsigned(key >> 3), wire = unsigned(key & 7);
        if (field == 1 && wire == 1)
            e.wall_time = c.fixed<double>();
        else if (field == 2 && wire == 0)
            e.step = std::int64_t(c.varint());
        else if (field == 3 && wire == 2)
            e.has_file_version = true, e.file_version = c.text();
        else if (field == 5 && wire == 2) {
            e.has_summary = true;
            Cursor s = c.sub();
            while (!s.done()) {
                const std::uint64_t k = s.varint();
                if ((k >> 3) == 1 && (k & 7) == 2)
                    e.values.push_back(parse_value(s.sub()));
                else
                    s.skip(unsigned(k & 7));
            }
        } else
            c.skip(wire);
    }
    return e;
}

/// Every event of the file, in order; throws on a bad CRC, a truncated record or bad bytes.
inline std::vector<Event> read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot open " + path);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    std::size_t at = 0;
    std::vector<Event> events;
    while (at < bytes.size()) {
        if (bytes.size() - at < 12) throw std::runtime_error("truncated record header");
        std::uint64_t length;
        std::uint32_t length_crc;
        std::memcpy(&length, p + at, 8);
        std::memcpy(&length_crc, p + at + 8, 4);
        if (length_crc != masked(crc32c_bitwise(p + at, 8)))
            throw std::runtime_error("bad length CRC");
        at += 12;
        if (bytes.size() - at < length + 4) throw std::runtime_error("truncated record");
        std::uint32_t data_crc;
        std::memcpy(&data_crc, p + at + length, 4);
        if (data_crc != masked(crc32c_bitwise(p + at, std::size_t(length))))
            throw std::runtime_error("bad data CRC");
        events.push_back(parse_event(Cursor(p + at, std::size_t(length))));
        at += std::size_t(length) + 4;
    }
    return events;
}

}  // namespace tfevents
