#include "common/args.h"

#include <sstream>

namespace fleet::bench {

Args::Args(std::string program, std::string summary)
    : program_(std::move(program)), summary_(std::move(summary)) {}

Args& Args::option(const std::string& name, const std::string& fallback, const std::string& help) {
  order_.push_back(name);
  specs_[name] = Spec{fallback, help, false};
  return *this;
}

Args& Args::flag(const std::string& name, const std::string& help) {
  order_.push_back(name);
  specs_[name] = Spec{"", help, true};
  return *this;
}

void Args::parse(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      help_ = true;
      continue;
    }
    if (arg.rfind("--", 0) != 0) throw std::invalid_argument("unexpected argument: " + arg);
    std::string name = arg.substr(2), value;
    bool inline_value = false;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      inline_value = true;
    }
    auto it = specs_.find(name);
    if (it == specs_.end()) throw std::invalid_argument("unknown option: --" + name);
    if (it->second.is_flag) {
      if (inline_value) throw std::invalid_argument("--" + name + " takes no value");
      it->second.value = "1";
      continue;
    }
    if (!inline_value) {
      if (i + 1 >= argc) throw std::invalid_argument("--" + name + " needs a value");
      value = argv[++i];
    }
    it->second.value = value;
  }
}

std::string Args::usage() const {
  std::ostringstream out;
  out << "usage: " << program_ << " [options]\n" << summary_ << "\n\noptions:\n";
  for (const auto& name : order_) {
    const auto& s = specs_.at(name);
    std::string left = "  --" + name + (s.is_flag ? "" : " V");
    out << left << std::string(left.size() < 26 ? 26 - left.size() : 1, ' ') << s.help;
    if (!s.is_flag && !s.value.empty()) out << " [" << s.value << "]";
    out << "\n";
  }
  return out.str();
}

const Args::Spec& Args::spec(const std::string& name) const {
  auto it = specs_.find(name);
  if (it == specs_.end()) throw std::logic_error("undeclared option " + name);
  return it->second;
}

std::string Args::str(const std::string& name) const { return spec(name).value; }

long long Args::integer(const std::string& name) const {
  const auto& v = spec(name).value;
  std::size_t used = 0;
  long long n = 0;
  try {
    n = std::stoll(v, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (v.empty() || used != v.size())
    throw std::invalid_argument("--" + name + ": not an integer: " + v);
  return n;
}

double Args::number(const std::string& name) const {
  const auto& v = spec(name).value;
  std::size_t used = 0;
  double n = 0;
  try {
    n = std::stod(v, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (v.empty() || used != v.size())
    throw std::invalid_argument("--" + name + ": not a number: " + v);
  return n;
}

bool Args::on(const std::string& name) const { return spec(name).value == "1"; }

}  // namespace fleet::bench
