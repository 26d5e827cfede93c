//! `wsol mpi-check` (hidden): the checks scripts/test-mpi runs under `mpirun -np 2`, and its
//! helpers (comparing checkpoints, writing synthetic score maps). Not a user command.
import ArgumentParser
import Foundation
import TensorCore
import TensorDistributed
import TensorNN
import WSOLData

struct MPICheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mpi-check",
        abstract: "Checks of the MPI layer, for scripts/test-mpi.",
        shouldDisplay: false,
        subcommands: [Collectives.self, CompareWeights.self, WriteMaps.self, AllreduceBench.self]
    )

    /// Failures print one line and exit 1 (the script reports which check failed).
    struct CheckFailure: Error, CustomStringConvertible {
        var description: String
    }

    /// `mpirun -np N wsol mpi-check collectives`: sums, broadcasts and synchronised batch norm
    /// across real MPI ranks, checked against values each rank can compute alone.
    struct Collectives: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "collectives")

        func run() throws {
            try DistributedLaunch.run { communicator in
                let size = communicator.size, rank = communicator.rank
                // Σ_r (r + 1) = N(N + 1)/2; counters exact; rank 0's bytes everywhere.
                let sums = communicator.sum([Double(rank + 1), 0.5])
                let counters = communicator.sum([Int64(1) << 40, Int64(rank)])
                let bytes = communicator.broadcast(bytes: rank == 0 ? [7, 8, 9] : [])
                guard sums == [Double(size * (size + 1) / 2), 0.5 * Double(size)],
                      counters == [Int64(size) << 40, Int64(size * (size - 1) / 2)], bytes == [7, 8, 9] else {
                    throw CheckFailure(description: "rank \(rank): collectives gave \(sums) \(counters) \(bytes)")
                }
                try checkSynchronizedBatchNorm(communicator)
                if communicator.isRoot { print("mpi-check collectives: \(size) ranks OK") }
            }
        }

        /// Each rank normalises its slice of one seeded batch; the result must equal the slice of
        /// the whole batch normalised by the fused kernel in one process.
        func checkSynchronizedBatchNorm(_ communicator: any Communicator) throws {
            let perRank = 2, size = communicator.size
            var random = RandomGenerator(seed: 5)
            let whole = Tensor(shape: [perRank * size, 3, 4, 4], scalars: (0..<(perRank * size * 48)).map { _ in random.nextUnitFloat() * 4 - 1 })
            let reference = withNoGrad { BatchNorm2d(3)(whole) }
            let layer = BatchNorm2d(3)
            layer.synchronizeBatchNorm(over: communicator)
            let range = communicator.rank * perRank..<(communicator.rank + 1) * perRank
            let mine = withNoGrad { layer(whole.sliced(axis: 0, range: range)) }
            let expected = reference.sliced(axis: 0, range: range).scalars
            let worst = zip(mine.scalars, expected).map { abs($0 - $1) }.max() ?? 0
            guard worst < 1e-4 else {
                throw CheckFailure(description: "rank \(communicator.rank): synchronised batch norm differs by \(worst)")
            }
        }
    }

    /// `wsol mpi-check compare-weights A B`: every array of two safetensors files within tolerance.
    struct CompareWeights: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "compare-weights")
        @Argument var first: String
        @Argument var second: String
        @Option(help: "Allowed |a - b| <= atol + rtol * |b|.") var rtol: Float = 1e-3
        @Option var atol: Float = 1e-4
        @Option(help: "Only arrays whose name starts with this.") var prefix = ""

        func run() throws {
            let a = try SafeTensors.read(first), b = try SafeTensors.read(second)
            let names = a.names.filter { $0.hasPrefix(prefix) }
            guard Set(names) == Set(b.names.filter { $0.hasPrefix(prefix) }), !names.isEmpty else {
                throw CheckFailure(description: "\(first) and \(second) hold different arrays")
            }
            var worst: (Float, String) = (0, "")
            for name in names {
                let x = a.arrays[name]!.values, y = b.arrays[name]!.values
                guard x.count == y.count else { throw CheckFailure(description: "\(name): sizes differ") }
                for (u, v) in zip(x, y) where abs(u - v) > worst.0 { worst = (abs(u - v), name) }
                if let bad = zip(x, y).first(where: { !(abs($0 - $1) <= atol + rtol * abs($1)) }) {
                    throw CheckFailure(description: "\(name): \(bad.0) vs \(bad.1) beyond rtol \(rtol), atol \(atol)")
                }
            }
            print("compare-weights: \(names.count) arrays agree; largest |difference| \(worst.0) (\(worst.1))")
        }
    }

    /// `wsol mpi-check write-maps --metadata DIR --out DIR`: a smooth seeded score map per image
    /// of a split (`<image id without extension>.npy`, `size x size`), for evaluation checks.
    struct WriteMaps: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "write-maps")
        @Option var metadata: String
        @Option var out: String
        @Option var size = 64
        @Option var seed: UInt64 = 1

        func run() throws {
            let split = try WSOLMetadata.read(directory: metadata)
            let pool = SyntheticScoreMaps(count: 16, size: size, seed: seed, noise: 0.02)
            for (index, imageID) in split.imageIDs.enumerated() {
                let path = (out as NSString).appendingPathComponent((imageID as NSString).deletingPathExtension + ".npy")
                try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                        withIntermediateDirectories: true)
                try NumpyFile.writeFloat32(pool.maps[index % pool.maps.count].values, shape: [size, size], to: path)
            }
            print("write-maps: \(split.imageIDs.count) maps in \(out)")
        }
    }
}
