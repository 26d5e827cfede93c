//! Generates a whole SynthWSOL data set on disk: images, masks, metadata and the config record.
import Dispatch
import Foundation

/// What a generation run wrote.
public struct SynthSummary: Sendable, Equatable {
    /// Images written per split.
    public var imagesPerSplit: [DatasetSplit: Int]
    /// Fraction of images on their class's own background family, per split.
    public var ownBackgroundRate: [DatasetSplit: Double]
}

/// Plans, renders and writes SynthWSOL. Output layout under the dataset root `DIR`:
/// `images/<split>/<class>/<nnnn>.png`, `masks/<split>/<class>/<nnnn>.png`,
/// `metadata/SynthWSOL/<split>/*.txt`, `metadata/SynthWSOL/classes.txt`, `synthwsol.json`.
public struct SynthGenerator: Sendable {
    public let config: SynthConfig
    public let catalog: SynthCatalog
    /// The metadata directory name of the data set.
    public static let datasetName = DatasetKind.synthetic.metadataDirectoryName!

    /// Throws `SynthConfigError` for a config out of range.
    public init(config: SynthConfig) throws {
        try config.validate()
        self.config = config
        catalog = SynthCatalog(config: config)
    }

    /// The scenes of `split` in file order: class by class, image index within class.
    public func scenes(of split: DatasetSplit) -> [SynthScene] {
        (0..<config.classCount).flatMap { classIndex in
            (0..<config.imagesPerClass(split)).map { index in
                SynthScene.sample(config: config, catalog: catalog, split: split, classIndex: classIndex, index: index)
            }
        }
    }

    public func render(_ scene: SynthScene) -> SynthRendering {
        SynthRenderer.render(scene, catalog: catalog, config: config)
    }

    /// `images/<split>/<class>/<nnnn>.<ext>`, relative to the dataset root (the image id).
    public func imagePath(_ scene: SynthScene) -> String {
        "images/\(relativeStem(scene)).\(config.imageFormat.fileExtension)"
    }

    /// `masks/<split>/<class>/<nnnn>.png`, relative to the dataset root.
    public func maskPath(_ scene: SynthScene) -> String { "masks/\(relativeStem(scene)).png" }
    /// `parts/<split>/<class>/<nnnn>.png`: the discriminative part's mask (not in the metadata;
    /// for part-vs-body coverage measurements, docs/synthwsol.md).
    public func partMaskPath(_ scene: SynthScene) -> String { "parts/\(relativeStem(scene)).png" }

    private func relativeStem(_ scene: SynthScene) -> String {
        let number = String(scene.index)
        let padded = String(repeating: "0", count: max(0, 4 - number.count)) + number
        return "\(scene.split.directoryName)/\(catalog.classes[scene.classIndex].name)/\(padded)"
    }

    /// Writes the data set under `directory` using `threads` workers (images are split among them by
    /// index; each image depends only on its own seed, so the files do not depend on `threads`).
    ///
    /// Refuses a non-empty `directory` unless `overwrite`, in which case only what a previous run
    /// writes (`images/`, `masks/`, `metadata/SynthWSOL/`, `synthwsol.json`) is removed first.
    /// `progress` is called with the number of images finished (from worker threads).
    @discardableResult
    public func write(to directory: String, threads: Int = 2, overwrite: Bool = false,
                      progress: (@Sendable (Int) -> Void)? = nil) throws -> SynthSummary {
        try prepare(directory, overwrite: overwrite)
        try MetadataFileWriter.makeDirectory(path(directory, "masks"))
        try ImageCodec.writePNG(PixelImage(width: config.imageSize, height: config.imageSize, channels: 1),
                                to: path(directory, Self.ignoreMaskPath))
        let counter = ProgressCounter(progress)
        var summary = SynthSummary(imagesPerSplit: [:], ownBackgroundRate: [:])
        for split in DatasetSplit.allCases {
            let scenes = scenes(of: split)
            let boxes = try renderAndWrite(scenes, root: directory, threads: threads, counter: counter)
            try splitMetadata(scenes, boxes: boxes)
                .write(to: path(directory, "metadata/\(Self.datasetName)/\(split.directoryName)"))
            try MetadataFileWriter.writeAtomically(
                sceneTable(scenes),
                to: path(directory, "metadata/\(Self.datasetName)/\(split.directoryName)/\(Self.sceneFileName)"))
            summary.imagesPerSplit[split] = scenes.count
            summary.ownBackgroundRate[split] = ownBackgroundRate(scenes)
        }
        try ClassNamesFile.write(catalog.classes.map(\.name),
                                 to: path(directory, "metadata/\(Self.datasetName)/\(ClassNamesFile.fileName)"))
        try MetadataFileWriter.writeAtomically(try recordJSON(), to: path(directory, Self.recordFileName))
        return summary
    }

    /// Per-image facts for analysis, one line per image in `image_ids.txt` order, no header:
    /// `image_id,background_family,own_background(0/1),distractors,object_size_fraction,part_fraction`.
    public static let sceneFileName = "synthwsol_scenes.txt"
    /// The config, catalogue and generator version, for reproducing a data set.
    public static let recordFileName = "synthwsol.json"
    /// Bumped whenever the same config would render different pixels.
    public static let generatorVersion = 1

    /// An all-zero mask named as every image's ignore mask: nothing is ignored, but tools that
    /// always open the ignore file (wsolevaluation's `get_mask`) work on SynthWSOL unchanged.
    public static let ignoreMaskPath = "masks/ignore_none.png"

    /// The split's metadata: one instance mask per image, the shared empty ignore mask, the box.
    func splitMetadata(_ scenes: [SynthScene], boxes: [MetadataBox]) -> WSOLMetadata {
        var metadata = WSOLMetadata()
        for (scene, box) in zip(scenes, boxes) {
            let id = imagePath(scene)
            metadata.imageIDs.append(id)
            metadata.classLabels[id] = scene.classIndex
            metadata.imageSizes[id] = ImageSize(width: config.imageSize, height: config.imageSize)
            metadata.boxes[id] = [box]
            metadata.masks[id] = MaskFiles(instancePaths: [maskPath(scene)], ignorePath: Self.ignoreMaskPath)
        }
        return metadata
    }

    func sceneTable(_ scenes: [SynthScene]) -> String {
        scenes.map { scene in
            let own = scene.backgroundFamily == catalog.classes[scene.classIndex].ownBackgroundFamily
            let size = 2 * Double(scene.object.radius) / Double(config.imageSize)
            let part = scene.object.part?.areaFraction ?? 0
            return "\(imagePath(scene)),\(scene.backgroundFamily),\(own ? 1 : 0),\(scene.distractors.count),"
                + "\(String(format: "%.4f", size)),\(String(format: "%.4f", part))\n"
        }.joined()
    }

    func ownBackgroundRate(_ scenes: [SynthScene]) -> Double {
        guard !scenes.isEmpty else { return 0 }
        let own = scenes.filter { $0.backgroundFamily == catalog.classes[$0.classIndex].ownBackgroundFamily }.count
        return Double(own) / Double(scenes.count)
    }

    private func path(_ root: String, _ relative: String) -> String {
        (root as NSString).appendingPathComponent(relative)
    }
}
