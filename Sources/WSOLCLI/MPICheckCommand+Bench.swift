//! `mpirun -np N wsol mpi-check allreduce --models resnet50,mobilenetv2`: the time to average one
//! step's gradients over the ranks, as the Trainer does it (bucketed, 25 MiB buckets).
import ArgumentParser
import Foundation
import TensorCore
import TensorDistributed
import TensorNN
import WSOLEvaluation
import WSOLModels

extension MPICheckCommand {
    struct AllreduceBench: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "allreduce")
        @Option(help: "Model zoo names whose trainable parameters are averaged.") var models = "resnet50,mobilenetv2"
        @Option(help: "Timed repeats (median reported).") var repeats = 10
        @Option(help: "Bucket size in MiB.") var bucketMib = 25
        @Flag(help: "Time blocking MPI_Allreduce per bucket (allreduceOnlySeconds) instead of MPI_Iallreduce.")
        var blocking = false

        func run() throws {
            try DistributedLaunch.run { communicator in
                var rows: [JSONValue] = []
                for name in models.split(separator: ",").map(String.init) {
                    let kind = try ModelKind(name: name)
                    let parameters = ModelZoo.build(kind, options: ModelOptions(randomInit: false))
                        .namedParameters().map(\.1).filter(\.isTrainable).map(\.value)
                    rows.append(measure(name, parameters: parameters, communicator: communicator))
                }
                if communicator.isRoot { print(JSONValue.array(rows).rendered(pretty: true)) }
            }
        }

        /// Median seconds of `GradientAverager.average` over `repeats` (after one warm-up).
        func measure(_ name: String, parameters: [Tensor], communicator: any Communicator) -> JSONValue {
            let gradients = Gradients(parameters.map { ($0, Tensor(repeating: 1, shape: $0.shape)) })
            let averager = GradientAverager(communicator: communicator, bucketBytes: bucketMib << 20)
            _ = averager.average(gradients, parameters: parameters)
            var seconds: [Double] = []
            for _ in 0..<repeats {
                communicator.barrier()
                _ = averager.average(gradients, parameters: parameters)
                seconds.append(averager.lastSeconds)
            }
            // Each rank's median, averaged over the ranks (they wait for each other, so they agree closely).
            let mean = communicator.sum([seconds.sorted()[seconds.count / 2]])[0] / Double(communicator.size)
            let floats = parameters.reduce(0) { $0 + $1.count }
            let raw = communicator.sum([rawAllreduceSeconds(floats: floats, communicator: communicator)])[0] / Double(communicator.size)
            return .object([
                ("model", .string(name)), ("parameters", .integer(floats)), ("megabytes", .number(Double(floats * 4) / 1e6)),
                ("ranks", .integer(communicator.size)), ("secondsPerStep", .number(mean)),
                ("algorithmicBandwidthGBps", .number(Double(floats * 4) / mean / 1e9)),
                ("allreduceOnlySeconds", .number(raw)),
            ])
        }

        /// Median seconds of the bucketed allreduce alone (no packing), on one flat buffer.
        func rawAllreduceSeconds(floats: Int, communicator: any Communicator) -> Double {
            var buffer = [Float](repeating: 1, count: floats)
            var seconds: [Double] = []
            buffer.withUnsafeMutableBufferPointer { pointer in
                let buckets = GradientAverager.buckets(of: pointer, floatsPerBucket: (bucketMib << 20) / 4)
                for _ in 0...repeats {
                    communicator.barrier()
                    let started = ContinuousClock.now
                    if blocking {
                        for bucket in buckets { communicator.allreduceSum(bucket) }
                    } else {
                        communicator.allreduceSum(buckets: buckets)
                    }
                    seconds.append(GradientAverager.seconds(ContinuousClock.now - started))
                }
            }
            return seconds.dropFirst().sorted()[repeats / 2]
        }
    }
}
