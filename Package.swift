// swift-tools-version:6.1
import Foundation
import PackageDescription

let optimised: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

/// The model kernels are compiled for the building machine's vector unit when it has AVX2, FMA
/// and F16C, as llama.cpp's default (native) build is: 256-bit registers and hardware half-float
/// conversion make the quantised products and attention 1.3–1.6× faster. The binary then needs
/// such a CPU (x86-64 from 2013 on); QUARRY_PORTABLE=1 builds for any x86-64.
let hostVectorUnit: [SwiftSetting] = {
    #if arch(x86_64) && os(Linux)
        guard ProcessInfo.processInfo.environment["QUARRY_PORTABLE"] == nil,
            let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
            let flags = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") })
        else { return [] }
        let present = Set(flags.split(separator: " ").map(String.init))
        return present.isSuperset(of: ["avx2", "fma", "f16c"]) ? [.unsafeFlags(["-target-cpu", "haswell"])] : []
    #else
        return []
    #endif
}()

let package = Package(
    name: "Quarry",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "quarry", targets: ["quarry"]),
        .library(name: "QuarryKit", targets: ["QuarryKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // System-library shims: a module map and a shim header, nothing else.
        .systemLibrary(
            name: "CPoppler", pkgConfig: "poppler-glib",
            providers: [.apt(["libpoppler-glib-dev"])]),
        .systemLibrary(
            name: "COpenBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]),

        .target(name: "Progress"),
        // Numeric code is compiled optimised in every configuration: unoptimised, the encoder's
        // loops run ~50x slower and the test suite would spend minutes embedding fixtures.
        .target(name: "Tensors", dependencies: ["COpenBLAS"], swiftSettings: optimised + hostVectorUnit),
        .target(name: "Models", dependencies: ["Tensors"], swiftSettings: optimised + hostVectorUnit),
        .target(name: "Documents", dependencies: ["CPoppler"]),
        .target(name: "Schema", dependencies: ["Documents", .product(name: "Yams", package: "Yams")], swiftSettings: optimised),
        .target(name: "ConstrainedDecoding", dependencies: ["Models", "Schema"], swiftSettings: optimised),
        .target(name: "Extraction", dependencies: ["Models", "Tensors", "Documents", "Schema", "ConstrainedDecoding"], swiftSettings: optimised),
        .target(
            name: "Store",
            dependencies: ["Documents", "Tensors", .product(name: "GRDB", package: "GRDB.swift")]),
        .target(name: "Tuning", dependencies: ["Extraction", "Schema", "Documents", "Models"], swiftSettings: optimised),
        .target(name: "Assistant", dependencies: ["Models", "Store", "Documents", "ConstrainedDecoding", "Progress"], swiftSettings: optimised),
        .target(
            name: "QuarryKit",
            dependencies: [
                "Tensors", "Documents", "Store", "Models", "Schema", "ConstrainedDecoding", "Extraction", "Tuning", "Assistant", "Progress",
                .product(name: "Yams", package: "Yams"),
            ]),
        .executableTarget(
            name: "quarry",
            dependencies: ["QuarryKit", .product(name: "ArgumentParser", package: "swift-argument-parser")]),

        // Shared by the test targets: the repository's paths, the installed models, scratch folders
        // and the runner of the built `quarry`.
        .target(name: "QuarryTestSupport", dependencies: ["Models"], path: "Tests/QuarryTestSupport"),
        .testTarget(name: "TensorsTests", dependencies: ["Tensors"], resources: [.copy("Golden")]),
        .testTarget(name: "ModelsTests", dependencies: ["Models", "QuarryTestSupport"], resources: [.copy("Golden")]),
        .testTarget(name: "DocumentsTests", dependencies: ["Documents", "QuarryTestSupport"]),
        .testTarget(name: "SchemaTests", dependencies: ["Schema", "QuarryTestSupport"]),
        .testTarget(name: "ConstrainedDecodingTests", dependencies: ["ConstrainedDecoding", "Schema", "Models", "QuarryTestSupport"]),
        .testTarget(name: "ExtractionTests", dependencies: ["Extraction", "Schema", "QuarryTestSupport"]),
        .testTarget(name: "StoreTests", dependencies: ["Store", "QuarryTestSupport"]),
        .testTarget(name: "TuningTests", dependencies: ["Tuning", "Schema", "Extraction", "QuarryTestSupport"]),
        .testTarget(name: "AssistantTests", dependencies: ["Assistant", "QuarryTestSupport"]),
        .testTarget(name: "QuarryKitTests", dependencies: ["QuarryKit", "Assistant", "QuarryTestSupport"]),
        .testTarget(name: "SystemLibrariesTests", dependencies: ["COpenBLAS"]),
        .testTarget(name: "CLITests", dependencies: ["quarry", "Store", "Extraction", "QuarryTestSupport"]),

        // Timings that assert nothing, outside the tests: swift run quarry-bench <subcommand> … (debug: see main.swift)
        .executableTarget(
            name: "quarry-bench",
            dependencies: ["ConstrainedDecoding", "Schema", "Models", "Tensors", "QuarryKit", "Extraction", "Store", "Tuning", "Documents"],
            path: "Benchmarks/quarry-bench", swiftSettings: optimised),
    ],
    swiftLanguageModes: [.v6]
)
