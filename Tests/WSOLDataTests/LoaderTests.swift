import Foundation
import Testing
import TensorTestSupport
@testable import WSOLData

/// A scratch data set: image `i` is a solid PNG of gray value `20 i`, label `i % 3`, sizes alternating
/// 12x9 and 10x10, named `img<i>.png`.
private func makeDataset(count: Int = 10) throws -> (directory: String, items: [LoaderItem]) {
    let directory = ImageFixtures.scratchDirectory()
    var items: [LoaderItem] = []
    for index in 0..<count {
        let (width, height) = index % 2 == 0 ? (12, 9) : (10, 10)
        let image = PixelImage(width: width, height: height, channels: 3,
                               pixels: [UInt8](repeating: UInt8(20 * index), count: width * height * 3))
        let path = "\(directory)/img\(index).png"
        try ImageCodec.writePNG(image, to: path)
        items.append(LoaderItem(imageID: "img\(index).png", path: path, label: index % 3))
    }
    return (directory, items)
}

private func allBatches(_ loader: ImageLoader, epoch: Int = 0) throws -> [ImageBatch] {
    let batches = loader.epoch(epoch)
    var result: [ImageBatch] = []
    while let batch = try batches.next() { result.append(batch) }
    return result
}

private let eval8 = TransformPipeline(steps: [.resize(width: 8, height: 8)])

@Suite struct LoaderBatchingTests {
    @Test func batchesInFileOrderWithShapesLabelsAndPixels() throws {
        let (_, items) = try makeDataset()
        let loader = try ImageLoader(items: items, pipeline: eval8, options: LoaderOptions(batchSize: 4))
        let batches = try allBatches(loader)
        #expect(batches.map(\.shape) == [[4, 3, 8, 8], [4, 3, 8, 8], [2, 3, 8, 8]])
        #expect(batches.flatMap(\.imageIDs) == (0..<10).map { "img\($0).png" })
        #expect(batches.flatMap(\.labels) == [0, 1, 2, 0, 1, 2, 0, 1, 2, 0])
        // Image 5 (gray 100) is batch 1, slot 1; a constant image stays constant under resizing.
        // Channel 0: (100 / 255 - 0.485) / 0.229 = -0.405429; channel 2: (100 / 255 - 0.406) / 0.225 = -0.0615.
        let slot = Array(batches[1].pixels[192..<384])
        expectClose(Array(slot[0..<64]), [Float](repeating: -0.405429, count: 64), rtol: 0, atol: 1e-4)
        expectClose(Array(slot[128..<192]), [Float](repeating: -0.061525, count: 64), rtol: 0, atol: 1e-4)
        #expect(loader.batchCount == 3)
    }

    @Test func dropLastDropsTheIncompleteBatch() throws {
        let (_, items) = try makeDataset()
        let loader = try ImageLoader(items: items, pipeline: eval8, options: LoaderOptions(batchSize: 4, dropLast: true))
        #expect(try allBatches(loader).map(\.count) == [4, 4])
    }

    @Test func shuffleIsAPermutationFixedBySeedAndEpoch() throws {
        let (_, items) = try makeDataset()
        let options = LoaderOptions(batchSize: 3, shuffle: true, seed: 11)
        let loader = try ImageLoader(items: items, pipeline: eval8, options: options)
        let epoch0 = try allBatches(loader, epoch: 0).flatMap(\.imageIDs)
        let epoch1 = try allBatches(loader, epoch: 1).flatMap(\.imageIDs)
        #expect(Set(epoch0) == Set(items.map(\.imageID)) && epoch0.count == 10)
        #expect(epoch0 != epoch1)
        #expect(epoch0 != items.map(\.imageID))
        var otherSeed = options
        otherSeed.seed = 12
        #expect(try allBatches(ImageLoader(items: items, pipeline: eval8, options: otherSeed)).flatMap(\.imageIDs) != epoch0)
    }

    @Test func sameSeedSameBatchesWhateverTheThreading() throws {
        // Random crop + flip + jitter on gradient images: any timing dependence would show.
        let directory = ImageFixtures.scratchDirectory()
        var items: [LoaderItem] = []
        for index in 0..<9 {
            var image = PixelImage(width: 20, height: 16, channels: 3)
            for y in 0..<16 { for x in 0..<20 { image[x, y, 0] = UInt8(x * 12); image[x, y, 1] = UInt8(y * 15); image[x, y, 2] = UInt8(index * 25) } }
            try ImageCodec.writePNG(image, to: "\(directory)/g\(index).png")
            items.append(LoaderItem(imageID: "g\(index).png", path: "\(directory)/g\(index).png", label: index))
        }
        let pipeline = TransformPipeline(steps: [.resize(width: 14, height: 14), .randomCrop(width: 10, height: 10),
                                                 .horizontalFlip(), .colorJitter(ColorJitter(brightness: 0.3, hue: 0.05))])
        func run(workers: Int, prefetch: Int) throws -> [ImageBatch] {
            try allBatches(ImageLoader(items: items, pipeline: pipeline,
                                       options: LoaderOptions(batchSize: 2, shuffle: true, seed: 5, workerCount: workers,
                                                              prefetchBatches: prefetch)), epoch: 3)
        }
        let reference = try run(workers: 1, prefetch: 1)
        #expect(try run(workers: 3, prefetch: 5) == reference)
        #expect(try run(workers: 2, prefetch: 2) == reference)
        #expect(reference.count == 5)
    }

    @Test func mixedOutputSizesAreAnError() throws {
        let (_, items) = try makeDataset(count: 2)
        let loader = try ImageLoader(items: items, pipeline: TransformPipeline(steps: []), options: LoaderOptions(batchSize: 2))
        #expect(throws: LoaderError.self) { try allBatches(loader) }
    }

    @Test func metadataWithoutALabelIsAnError() {
        let metadata = WSOLMetadata(imageIDs: ["a.jpg"], classLabels: [:])
        #expect(throws: LoaderError.missingLabel(imageID: "a.jpg")) {
            try ImageLoader(metadata: metadata, root: "/data", pipeline: eval8)
        }
    }
}

@Suite struct LoaderBadImageTests {
    @Test func validationStopsOnTheFirstBadImageByDefault() throws {
        var (directory, items) = try makeDataset()
        _ = FileManager.default.createFile(atPath: "\(directory)/bad.jpg", contents: Data("not an image".utf8))
        items.insert(LoaderItem(imageID: "bad.jpg", path: "\(directory)/bad.jpg", label: 0), at: 3)
        items.append(LoaderItem(imageID: "gone.jpg", path: "\(directory)/gone.jpg", label: 0))
        do {
            _ = try ImageLoader(items: items, pipeline: eval8)
            Issue.record("expected the bad image to stop the loader")
        } catch let error as ImageError {
            #expect(error.path == "\(directory)/bad.jpg")  // the first in item order
        }
        let loader = try ImageLoader(items: items, pipeline: eval8, options: LoaderOptions(batchSize: 4, skipBadImages: true))
        #expect(loader.badImages.map(\.imageID) == ["bad.jpg", "gone.jpg"])
        #expect(loader.badImages[1].reason.contains("no such file"))
        #expect(try allBatches(loader).flatMap(\.imageIDs) == (0..<10).map { "img\($0).png" })
    }

    @Test func imagesBadBeyondTheHeaderFailOrAreSkippedWhileLoading() throws {
        var (directory, items) = try makeDataset(count: 4)
        // A JPEG cut in the middle: its header is intact, so header validation passes it.
        var noisy = PixelImage(width: 64, height: 64, channels: 3)
        for index in noisy.pixels.indices { noisy.pixels[index] = UInt8((index * 7919) % 251) }
        try ImageCodec.writeJPEG(noisy, to: "\(directory)/whole.jpg")
        let photo = [UInt8](FileManager.default.contents(atPath: "\(directory)/whole.jpg")!)
        _ = FileManager.default.createFile(atPath: "\(directory)/cut.jpg", contents: Data(photo.prefix(photo.count * 7 / 10)))
        items.insert(LoaderItem(imageID: "cut.jpg", path: "\(directory)/cut.jpg", label: 2), at: 2)
        let failing = try ImageLoader(items: items, pipeline: eval8, options: LoaderOptions(batchSize: 2))
        let batches = failing.epoch(0)
        #expect(try batches.next()?.imageIDs == ["img0.png", "img1.png"])
        #expect(throws: ImageError.self) { try batches.next() }  // batch [cut.jpg, img2.png]
        #expect(try batches.next()?.imageIDs == ["img3.png"])      // the epoch can go on
        #expect(try batches.next() == nil)

        let skipping = try ImageLoader(items: items, pipeline: eval8, options: LoaderOptions(batchSize: 2, skipBadImages: true))
        #expect(try allBatches(skipping).map(\.imageIDs) == [["img0.png", "img1.png"], ["img2.png"], ["img3.png"]])
        #expect(skipping.skippedImages.map(\.imageID) == ["cut.jpg"])
        _ = try allBatches(skipping, epoch: 1)
        #expect(skipping.skippedImages.map(\.imageID) == ["cut.jpg"])  // listed once, not once per epoch
        // A full-decode validation finds it before the first batch.
        #expect(throws: ImageError.self) {
            try ImageLoader(items: items, pipeline: eval8, options: LoaderOptions(validation: .fullDecode))
        }
    }
}

@Suite struct PrefetchQueueTests {
    @Test func staysWithinDepthAndDeliversInOrder() throws {
        let produced = ProducedIndices()
        let queue = PrefetchQueue<Int>(count: 20, depth: 3, workers: 2) { index in
            produced.add(index)
            return index * 10
        }
        var received: [Int] = []
        for consumed in 0..<20 {
            Thread.sleep(forTimeInterval: 0.005)
            // Before taking item `consumed`, at most indices consumed ... consumed + 2 exist.
            #expect(produced.maximum < consumed + 3)
            received.append(try queue.next()!)
        }
        #expect(try queue.next() == nil)
        #expect(received == (0..<20).map { $0 * 10 })
    }
}

private final class ProducedIndices: @unchecked Sendable {
    private let lock = NSLock()
    private var largest = -1
    func add(_ index: Int) { lock.withLock { largest = max(largest, index) } }
    var maximum: Int { lock.withLock { largest } }
}

@Suite struct LoaderEndToEndTests {
    @Test func evalInputMatchesTorchvisionOnPIL() throws {
        // eval_photo_10x7.f32: Pillow decode + Resize((7, 10)) bilinear + ToTensor + Normalize
        // (scripts/fixtures/image_resize.py). Decode and resize are bit-exact, so only float
        // rounding of the normalisation remains.
        let item = LoaderItem(imageID: "photo.jpg", path: ImageFixtures.path("photo.jpg"), label: 4)
        let loader = try ImageLoader(items: [item], pipeline: TransformPipeline(steps: [.resize(width: 10, height: 7)]))
        let batch = try #require(try loader.epoch(0).next())
        #expect(batch.shape == [1, 3, 7, 10] && batch.labels == [4])
        let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent("resize/eval_photo_10x7.f32")
        let raw = [UInt8](FileManager.default.contents(atPath: url.path)!)
        let expected = stride(from: 0, to: raw.count, by: 4).map { offset in
            Float(bitPattern: UInt32(raw[offset]) | UInt32(raw[offset + 1]) << 8 | UInt32(raw[offset + 2]) << 16 | UInt32(raw[offset + 3]) << 24)
        }
        expectClose(batch.pixels, expected, rtol: 1e-5, atol: 1e-5)
    }
}

@Suite struct ImageBatchTensorTests {
    @Test func tensorHasTheBatchShapeAndValues() {
        // 1 image, 3 channels, 1x2 pixels: CHW values 0...5.
        let batch = ImageBatch(pixels: [0, 1, 2, 3, 4, 5], shape: [1, 3, 1, 2], labels: [7], imageIDs: ["a"])
        #expect(batch.tensor.shape == [1, 3, 1, 2])
        #expect(batch.tensor.scalars == [0, 1, 2, 3, 4, 5])
    }
}

@Suite struct LoaderBoxTests {
    /// Boxes ride with their image through resize and flip: image 0 is 12x9, resized to 8x8
    /// (factors 2/3 and 8/9) then always flipped (probability 1); image 1 has no box.
    @Test func boxesFollowTheGeometricSteps() throws {
        var (_, items) = try makeDataset(count: 2)
        items[0].boxes = [MetadataBox(x0: 3, y0: 0, x1: 6, y1: 4.5)]
        let pipeline = TransformPipeline(steps: [.resize(width: 8, height: 8), .horizontalFlip(probability: 1)])
        let loader = try ImageLoader(items: items, pipeline: pipeline, options: LoaderOptions(batchSize: 2))
        let batch = try #require(try allBatches(loader).first)
        // Resized: x 2...4, y 0...4; flipped in an 8-wide frame: x' = 7 - x, so 3...5.
        #expect(batch.boxes.count == 2 && batch.boxes[0].count == 1 && batch.boxes[1].isEmpty)
        let box = try #require(batch.boxes[0].first)
        expectClose([box.x0, box.y0, box.x1, box.y1].map(Float.init), [3, 0, 5, 4], rtol: 0, atol: 1e-9)
    }

    /// `ImageLoader(metadata:)` takes each image's boxes from the split.
    @Test func metadataBoxesReachTheItems() throws {
        let (directory, items) = try makeDataset(count: 2)
        var metadata = WSOLMetadata(imageIDs: items.map(\.imageID), classLabels: ["img0.png": 0, "img1.png": 1])
        metadata.boxes["img1.png"] = [MetadataBox(x0: 1, y0: 2, x1: 3, y1: 4)]
        let loader = try ImageLoader(metadata: metadata, root: directory, pipeline: eval8)
        #expect(loader.items.map(\.boxes) == [[], [MetadataBox(x0: 1, y0: 2, x1: 3, y1: 4)]])
    }
}
