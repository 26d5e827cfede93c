//! `wsol import-weights`: PyTorch checkpoint -> safetensors, natively (no Python, no pickle code run).
import ArgumentParser
import Foundation
import TensorNN

/// Converts a PyTorch `.pth`/`.pt` state_dict (zip or legacy format) or a safetensors file into a
/// safetensors file with torchvision-style names.
struct ImportWeightsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-weights",
        abstract: "Convert a PyTorch checkpoint (.pth/.pt, zip or legacy format) to safetensors.",
        discussion: """
            Only the pickle opcodes and constructors a state_dict uses are understood; any other \
            callable in the file is refused, never executed. Nested checkpoints such as \
            {"state_dict": ..., "epoch": N} are flattened with dotted names; non-tensor entries are dropped.
            """)

    @Argument(help: "The PyTorch checkpoint to read.")
    var input: String

    @Option(name: .customLong("out"), help: "The safetensors file to write (atomically).")
    var output: String

    @Option(name: .customLong("strip-prefix"), help: "Remove this prefix from every name (e.g. 'module.' from DataParallel, 'state_dict.').")
    var stripPrefix: String?

    @Flag(help: "List the imported tensors (name, dtype, shape).")
    var list = false

    func run() throws {
        var file = try TorchCheckpoint.read(input)
        if let prefix = stripPrefix { file = file.strippingPrefix(prefix) }
        if file.names.isEmpty {
            throw ValidationError("\(input): the checkpoint holds no tensors")
        }
        try SafeTensors.write(file, to: output)
        if list {
            for name in file.names {
                guard let array = file.arrays[name] else { continue }
                print("\(name)\t\(array.storedDType.rawValue)\t\(array.shape)")
            }
        }
        let count = file.arrays.values.reduce(0) { $0 + $1.values.count }
        print("wrote \(output): \(file.names.count) tensors, \(count) values")
    }
}
