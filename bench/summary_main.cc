// kv_bench_summary FILE.json: prints kv_bench's results as a table with the kv ÷ redis ratio.
#include <fstream>
#include <iostream>
#include <sstream>

#include "bench/summary.h"

int main(int argc, char** argv) {
  if (argc != 2 || std::string(argv[1]) == "--help") {
    std::cerr << "usage: kv_bench_summary RESULTS.json   (kv_bench --benchmark_out=... JSON)\n";
    return 2;
  }
  std::ifstream in(argv[1]);
  if (!in) {
    std::cerr << "kv_bench_summary: cannot read " << argv[1] << "\n";
    return 2;
  }
  std::stringstream text;
  text << in.rdbuf();
  kv::Result<nlohmann::json> doc = kv::bench::ParseBenchmarkJson(text.str());
  if (!doc.ok()) {
    std::cerr << "kv_bench_summary: " << argv[1] << ": " << doc.error() << "\n";
    return 2;
  }
  kv::Result<kv::bench::SummaryInput> input = kv::bench::ExtractResults(*doc);
  if (!input.ok()) {
    std::cerr << "kv_bench_summary: " << argv[1] << ": " << input.error() << "\n";
    return 2;
  }
  std::cout << kv::bench::FormatSummary(*input);
  return 0;
}
