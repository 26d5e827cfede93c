//! A small on-disk set of run directories, written by hand, for the builder tests.
import Foundation
import WSOLData
import WSOLTraining

/// A temporary directory with one training run (`train/`), one localize+evaluate directory
/// (`loc/`) and a second localize directory (`loc2/`) over the same three images.
struct ReportFixture {
    let root: String

    init() throws {
        root = NSTemporaryDirectory() + "wsolreport-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try writeTrainingRun()
        try writeLocalize("loc")
        try writeLocalize("loc2")
        try writeEvaluation("loc")
    }

    func path(_ relative: String) -> String { root + "/" + relative }

    func write(_ text: String, _ relative: String) throws {
        let file = path(relative)
        try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try text.write(toFile: file, atomically: true, encoding: .utf8)
    }

    func remove() { try? FileManager.default.removeItem(atPath: root) }

    /// Image ids and their best IoU in per_image.csv: `b` is the worst, `c` the best.
    static let perImage = [("a/img <1>.png", 0, 0.55), ("b.png", 1, 0.10), ("c.png", 1, 0.90)]

    private func writeTrainingRun() throws {
        let run = RunDirectory(path: path("train"))
        try run.create()
        // EpochRecord has no public memberwise init: decode the log lines the trainer writes.
        let epochs = try (1...3).map { epoch in
            let line = "{\"epoch\":\(epoch),\"trainLoss\":\(1.0 / Double(epoch)),\"trainAccuracy\":\(30 * epoch),"
                + "\"learningRate\":0.01,\"imagesPerSecond\":100,\"seconds\":1,\"validation\":{\"top1Accuracy\":50,"
                + "\"maxBoxAccV2\":\(20 + epoch),\"maxBoxAccByIoU\":[1,2,3],\"pxap\":10,\"imageCount\":4}}"
            return try JSONDecoder().decode(EpochRecord.self, from: Data(line.utf8))
        }
        var metrics = RunMetrics()
        metrics.epochs = epochs
        metrics.bestEpoch = 3
        metrics.bestScore = 23
        try run.writeManifest(RunManifest(config: TrainingConfig(), seed: 0, packageVersion: "test",
                                          dataFingerprint: "sha256:0", status: "finished", metrics: metrics))
        try run.writeLog(epochs)
    }

    private func writeLocalize(_ name: String) throws {
        for (id, _, _) in ReportFixture.perImage {
            let stem = (id as NSString).deletingPathExtension
            let file = path("\(name)/overlays/\(stem).png")
            try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            try ImageCodec.writePNG(PixelImage(width: 4, height: 4, channels: 3, pixels: [UInt8](repeating: 200, count: 48)), to: file)
        }
        try write("image_id,class_1,class_2,class_3,class_4,class_5,probability_1,probability_2,probability_3,probability_4,probability_5\n"
            + "a/img <1>.png,0,1,2,3,4,0.9,0.1,0,0,0\nb.png,0,1,2,3,4,0.6,0.4,0,0,0\nc.png,1,0,2,3,4,0.8,0.2,0,0,0\n",
            "\(name)/predictions.csv")
    }

    private func writeEvaluation(_ name: String) throws {
        try write("""
            {"numImages": 3, "MaxBoxAcc": {"30": 66.7, "50": 33.3, "70": 33.3}, "MaxBoxAccV2": 44.4,
             "bestThresholds": {"30": 0.2, "50": 0.3, "70": 0.4}, "PxAP": 61.5, "PIoU": 40.0, "PIoUThreshold": 0.5,
             "operatingThreshold": 0.3, "operatingThresholdSource": "oracle",
             "config": {"metadata": "\(root)/meta/SynthWSOL/test", "mask": true, "camCurveInterval": 0.5}}
            """, "\(name)/summary.json")
        try write("threshold,boxacc_30,boxacc_50,boxacc_70\n0.0,100,50,0\n0.5,50,25,0\n", "\(name)/box_accuracy.csv")
        try write("cutoff,precision,recall,iou,tp,fp,fn\n0.5,0.8,0.4,0.36,4,1,6\n0.0,0.5,1.0,0.5,10,10,0\n", "\(name)/pixel_curve.csv")
        let rows = ReportFixture.perImage.map { id, label, iou in
            "\"\(id)\",\(label),0.3,\(iou)," + [0.3, 0.5, 0.7].map { iou >= $0 ? "1" : "0" }.joined(separator: ",")
        }
        try write((["image_id,class,threshold,best_iou,correct_30,correct_50,correct_70"] + rows).joined(separator: "\n") + "\n",
                  "\(name)/per_image.csv")
        try write("bird & <fish>\nsecond\n", "meta/SynthWSOL/classes.txt")
    }
}
