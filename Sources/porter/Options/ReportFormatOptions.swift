import ArgumentParser

/// Whether `porter verify`, `porter cert` and `porter compare` print their report as JSON.
struct ReportFormatOptions: ParsableArguments {
    @Flag(name: .customLong("json"), help: "Print the report as JSON (keys in a stable order).")
    var json = false
}
