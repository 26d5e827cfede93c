//! Faults during `wsol train`: Ctrl-C (the first SIGINT or SIGTERM asks the trainer to stop at the
//! next step boundary after writing its last checkpoint; a second one ends the process at once),
//! and resuming a run that was killed before its first checkpoint.
import ArgumentParser
import Dispatch
import Foundation
import Logging
import Synchronization
import WSOLTraining

/// Turns SIGINT/SIGTERM into a flag that the training loop polls between steps.
/// `@unchecked Sendable`: the flag is atomic, and `sources` is set once in `init` and afterwards
/// only cancelled (dispatch sources are thread-safe but not marked Sendable on Linux).
final class InterruptSignal: @unchecked Sendable {
    /// The signal received first (0 = none yet).
    private let received = Atomic<Int32>(0)
    private let sources: [any DispatchSourceSignal]

    /// Installs the handlers. The signals are ignored at the process level and delivered to a
    /// dispatch source instead, so nothing runs in signal-handler context and the flag is plain
    /// atomic state.
    init(signals: [Int32] = [SIGINT, SIGTERM]) {
        var made: [any DispatchSourceSignal] = []
        for number in signals {
            signal(number, SIG_IGN)
            made.append(DispatchSource.makeSignalSource(signal: number, queue: .global()))
        }
        sources = made
        for (source, number) in zip(sources, signals) {
            source.setEventHandler { [self] in handle(number) }
            source.resume()
        }
    }

    private func handle(_ number: Int32) {
        let (exchanged, _) = received.compareExchange(expected: 0, desired: number, ordering: .sequentiallyConsistent)
        guard !exchanged else {
            let message = "wsol train: stopping after the current step and writing a checkpoint (press Ctrl-C again to quit at once)\n"
            FileHandle.standardError.write(Data(message.utf8))
            return
        }
        FileHandle.standardError.write(Data("wsol train: interrupted again, quitting without a checkpoint\n".utf8))
        exit(128 + number)
    }

    /// The first signal received, if any.
    var signalNumber: Int32? {
        let number = received.load(ordering: .sequentiallyConsistent)
        return number == 0 ? nil : number
    }

    /// Restores the default disposition (the command is over).
    func uninstall() {
        for source in sources { source.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}

extension TrainCommand {
    /// `--resume`: continues from the last checkpoint, or starts again from step 0 when the run
    /// was killed before writing one (the weights are initialised from the seed, so this is the
    /// same run).
    static func resumeOrRestart(_ trainer: Trainer, logger: Logger) throws {
        removeInterruptedWrites(in: trainer.directory.path, logger: logger)
        guard FileManager.default.fileExists(atPath: trainer.directory.lastCheckpoint) else {
            logger.warning("\(trainer.directory.path) has no checkpoint yet: starting the run from the beginning")
            return
        }
        try trainer.resume()
    }

    /// Deletes the temporary files of atomic writes that a killed run left behind
    /// (`.<name>.tmp-<pid>-<random>`, see `AtomicFile`): the run directory belongs to one run at a
    /// time, and a checkpoint's temporary file can be as large as the checkpoint.
    static func removeInterruptedWrites(in directory: String, logger: Logger) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for name in names where name.hasPrefix(".") && name.contains(".tmp-") {
            try? FileManager.default.removeItem(atPath: directory + "/" + name)
            logger.info("removed \(name), left by an interrupted write")
        }
    }

    /// After `run()` returned `.stopped` because of a signal: says where the checkpoint is and how
    /// to continue, then exits with 128 + the signal number (130 for Ctrl-C), like a shell would.
    static func exitInterrupted(signal number: Int32, afterStep step: Int, runDirectory: String) throws -> Never {
        TrainingConsole.clearProgress()
        let message = "wsol train: stopped after step \(step); the last checkpoint is in \(runDirectory). "
            + "Continue with: wsol train --resume \(runDirectory)\n"
        FileHandle.standardError.write(Data(message.utf8))
        throw ExitCode(128 + number)
    }
}
