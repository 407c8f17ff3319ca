#pragma once
// A deliberately small `--name value` / `--flag` parser for the bench tools: every option is
// declared with a default and a help line, unknown options are errors.
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace fleet::bench {

class Args {
 public:
  Args(std::string program, std::string summary);

  // Declares an option taking a value (`--name value` or `--name=value`).
  Args& option(const std::string& name, const std::string& fallback, const std::string& help);
  // Declares a boolean flag (`--name`).
  Args& flag(const std::string& name, const std::string& help);

  // Parses argv; throws std::invalid_argument with a message fit for the user. `--help` sets
  // help_requested().
  void parse(int argc, char** argv);
  bool help_requested() const { return help_; }
  std::string usage() const;

  std::string str(const std::string& name) const;
  long long integer(const std::string& name) const;
  double number(const std::string& name) const;
  bool on(const std::string& name) const;

 private:
  struct Spec {
    std::string value;
    std::string help;
    bool is_flag = false;
  };
  const Spec& spec(const std::string& name) const;

  std::string program_;
  std::string summary_;
  std::vector<std::string> order_;
  std::map<std::string, Spec> specs_;
  bool help_ = false;
};

}  // namespace fleet::bench
