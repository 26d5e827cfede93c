//! The training console: a progress bar on stderr (TTY only), log lines that do not collide with it,
//! the final test evaluation and its table.
import Foundation
import Logging
import WSOLData
import WSOLTraining

/// Progress bar and log output of `wsol train`.
enum TrainingConsole {
    /// A logger writing to stderr through ``BarAwareLogHandler``; `quiet` keeps warnings only.
    static func logger(quiet: Bool) -> Logger {
        var logger = Logger(label: "wsol.train") { label in BarAwareLogHandler(label: label) }
        logger.logLevel = quiet ? .warning : .info
        return logger
    }

    /// `epoch 2/10 [#######.........]  37/156  loss 0.9231  acc 71.2%  312 img/s  ETA 3:05`
    static func drawProgress(_ progress: StepProgress) {
        let done = Double(progress.batch + 1) / Double(max(progress.batchCount, 1))
        let filled = Int(done * 20)
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: 20 - filled)
        let eta = Int(progress.secondsLeft.rounded())
        let line = String(format: "epoch %d/%d [%@] %4d/%d  loss %.4f  acc %.1f%%  %.0f img/s  ETA %d:%02d",
                          progress.epoch + 1, progress.epochs, bar, progress.batch + 1, progress.batchCount,
                          progress.loss, progress.accuracy, progress.imagesPerSecond, eta / 60, eta % 60)
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
    }

    /// Erases the progress line (before a log line, at the end of an epoch).
    static func clearProgress() {
        guard isatty(STDERR_FILENO) == 1 else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}

/// A stderr log handler that first erases a progress bar line, so bar and log never mix.
struct BarAwareLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String,
             file: String, function: String, line: UInt) {
        TrainingConsole.clearProgress()
        let prefix = level >= .warning ? "\(level): " : ""
        FileHandle.standardError.write(Data("\(prefix)\(message)\n".utf8))
    }
}

/// `--test`: the last checkpoint (wsolevaluation's protocol) on test and test-counter.
enum FinalEvaluation {
    static func run(trainer: Trainer, config: TrainingConfig) throws {
        let metadataRoot = config.metadataRoot.isEmpty ? config.dataRoot + "/metadata" : config.metadataRoot
        var rows: [(String, SplitScores)] = []
        if let validation = trainer.state.history.last?.validation { rows.append(("train-fullsup", validation)) }
        for split in [DatasetSplit.test, .testCounter] {
            guard let directory = try? WSOLMetadata.locate(metadataRoot: metadataRoot, dataset: config.dataset, split: split)
            else { continue }
            let evaluator = try SplitEvaluator(metadata: WSOLMetadata.read(directory: directory), root: config.dataRoot,
                                               inputSize: config.inputSize, interval: config.camCurveInterval,
                                               batchSize: config.batchSize, workers: config.workers)
            rows.append((split.protocolName, try evaluator.evaluate(trainer.model)))
        }
        try trainer.recordFinalScores(Dictionary(uniqueKeysWithValues: rows))
        print(table(rows, title: "\(config.method.name) on \(config.dataset), \(config.epochs) epochs, last checkpoint"))
    }

    /// A fixed-width table: split, images, Top-1 Cls, MaxBoxAccV2, PxAP, context leak.
    static func table(_ rows: [(String, SplitScores)], title: String) -> String {
        func cell(_ value: Double?) -> String { value.map { String(format: "%11.1f", $0) } ?? String(repeating: " ", count: 10) + "-" }
        var lines = [title, "split          images  Top-1 Cls  MaxBoxAccV2        PxAP  ContextLeak"]
        for (name, scores) in rows {
            lines.append(name.padding(toLength: 14, withPad: " ", startingAt: 0) + String(format: "%7d", scores.imageCount)
                         + cell(scores.labelFree == true ? nil : scores.top1Accuracy) + cell(scores.maxBoxAccV2) + " " + cell(scores.pxap)
                         + "  " + cell(scores.contextLeak))
        }
        return lines.joined(separator: "\n")
    }
}
