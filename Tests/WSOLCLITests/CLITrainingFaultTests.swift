import Foundation
import Testing
import WSOLTraining

/// `wsol train` under faults, driving the built executable (docs/reliability.md): a file-size
/// limit hit while writing a checkpoint (what a full disk looks like to the writer), and Ctrl-C.
@Suite(.serialized, .enabled(if: CLIProcess.available, "needs the built wsol executable"))
struct CLITrainingFaultTests {
    /// SynthWSOL tiny, generated once per process by the executable itself.
    static let data: String = {
        let root = NSTemporaryDirectory() + "wsol-cli-faults-\(getpid())/synth"
        _ = try? CLIProcess.run(["synth", "--preset", "tiny", "--seed", "0", "--out", root])
        return root
    }()

    private func settings(_ out: String, epochs: Int) -> [String] {
        ["train", "--data-root", Self.data, "--arch", "tiny", "--width", "8", "--input-size", "32", "--resize-size", "36",
         "--batch-size", "32", "--epochs", String(epochs), "--optimizer", "sgd", "--lr", "0.02", "--seed", "3",
         "--cam-curve-interval", "0.05", "--out", out, "--quiet"]
    }

    private func runDirectory(_ name: String) -> String {
        NSTemporaryDirectory() + "wsol-cli-faults-\(getpid())/\(name)-\(UUID().uuidString.prefix(8))"
    }

    /// Epoch 1 finishes normally. Epoch 2 runs under `ulimit -f` smaller than a checkpoint, with
    /// SIGXFSZ ignored (so the write fails with EFBIG like on a full disk instead of killing the
    /// process): a one-line error naming the checkpoint, exit 1, the epoch-1 checkpoint intact and
    /// loadable, no temporary file left; a resume without the limit then finishes the run.
    @Test func fullDiskDuringACheckpointKeepsThePreviousOne() throws {
        let run = runDirectory("full-disk")
        let first = try CLIProcess.run(settings(run, epochs: 1))
        #expect(first.status == 0, "\(first.standardError)")
        let checkpoint = RunDirectory(path: run).lastCheckpoint
        let before = try #require(FileManager.default.contents(atPath: checkpoint))
        let stepsPerEpoch = try TrainingCheckpoint.readState(path: checkpoint).globalStep
        #expect(stepsPerEpoch == 6)          // 192 images / 32

        // Blocks of 1024 bytes: half the checkpoint's size (the manifest and log stay far below).
        let limit = before.count / 2048
        let full = try CLIProcess.run(["train", "--resume", run, "--epochs", "2", "--quiet"],
                                      shellPrefix: "trap '' XFSZ; ulimit -f \(limit)")
        #expect(!full.killedBySignal && full.status == 1, "status \(full.status): \(full.standardError)")
        #expect(full.errorLines.count == 1 && full.errorLines.first?.contains(checkpoint) == true, "\(full.standardError)")
        #expect(full.standardError.contains("File too large"), "\(full.standardError)")
        #expect(FileManager.default.contents(atPath: checkpoint) == before)
        #expect(try TrainingCheckpoint.readState(path: checkpoint).globalStep == stepsPerEpoch)
        let litter = try FileManager.default.contentsOfDirectory(atPath: run).filter { $0.contains(".tmp-") }
        #expect(litter.isEmpty, "\(litter)")

        let resumed = try CLIProcess.run(["train", "--resume", run, "--epochs", "2", "--quiet"])
        #expect(resumed.status == 0, "\(resumed.standardError)")
        #expect(try TrainingCheckpoint.readState(path: checkpoint).globalStep == 2 * stepsPerEpoch)
    }

    /// SIGINT once training has started: the run stops at the next step boundary, writes its last
    /// checkpoint, says how to resume and exits with 130 (128 + SIGINT).
    @Test func ctrlCStopsAtAStepBoundaryWithACheckpoint() throws {
        let run = runDirectory("sigint")
        let (process, output, errors) = try CLIProcess.start(settings(run, epochs: 50))
        let manifest = RunDirectory(path: run).manifestPath
        let deadline = Date().addingTimeInterval(120)
        // manifest.json is written when run() starts, after the signal handler is installed.
        while !FileManager.default.fileExists(atPath: manifest) && process.isRunning && Date() < deadline {
            usleep(20_000)
        }
        usleep(300_000)
        process.interrupt()                   // SIGINT
        let result = CLIProcess.finish(process, output, errors)
        #expect(!result.killedBySignal && result.status == 130, "status \(result.status): \(result.standardError)")
        #expect(result.standardError.contains("wsol train --resume \(run)"), "\(result.standardError)")
        let state = try TrainingCheckpoint.readState(path: RunDirectory(path: run).lastCheckpoint)
        #expect(state.globalStep > 0 && state.globalStep < 50 * 6)
        #expect(try RunDirectory(path: run).readManifest().status == "running")
    }
}
