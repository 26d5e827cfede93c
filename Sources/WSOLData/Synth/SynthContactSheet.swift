//! A contact sheet: a grid of rendered images with their boxes, for looking at a data set.

extension SynthGenerator {
    /// A grid with one row per class: `perSplit` images from each of train, test and test-counter,
    /// each with its ground-truth box outlined in green (inclusive pixel edges).
    /// Size: `(3 * perSplit) * (S + 2) + 2` wide, `K * (S + 2) + 2` high, on a dark gray backdrop.
    public func contactSheet(perSplit: Int = 3) -> PixelImage {
        let splits: [DatasetSplit] = [.train, .test, .testCounter]
        var tiles: [[PixelImage]] = []
        for classIndex in 0..<config.classCount {
            var row: [PixelImage] = []
            for split in splits {
                for index in 0..<perSplit {
                    let scene = SynthScene.sample(config: config, catalog: catalog, split: split,
                                                  classIndex: classIndex, index: index)
                    let rendering = render(scene)
                    row.append(Self.outlined(rendering.image, box: rendering.box))
                }
            }
            tiles.append(row)
        }
        return Self.grid(tiles, tileSize: config.imageSize, gap: 2)
    }

    /// `image` with a 1-pixel green rectangle on the box's outer pixels.
    static func outlined(_ image: PixelImage, box: MetadataBox) -> PixelImage {
        var result = image
        let x0 = Int(box.x0), y0 = Int(box.y0), x1 = Int(box.x1), y1 = Int(box.y1)
        func paint(_ x: Int, _ y: Int) {
            let offset = (y * image.width + x) * image.channels
            result.pixels[offset] = 0
            result.pixels[offset + 1] = 255
            result.pixels[offset + 2] = 0
        }
        for x in x0...x1 {
            paint(x, y0)
            paint(x, y1)
        }
        for y in y0...y1 {
            paint(x0, y)
            paint(x1, y)
        }
        return result
    }

    /// Square RGB tiles in rows, `gap` pixels apart and around.
    static func grid(_ rows: [[PixelImage]], tileSize: Int, gap: Int) -> PixelImage {
        let columns = rows.map(\.count).max() ?? 0
        let width = columns * (tileSize + gap) + gap, height = rows.count * (tileSize + gap) + gap
        var sheet = PixelImage(width: width, height: height, channels: 3,
                               pixels: [UInt8](repeating: 40, count: width * height * 3))
        for (rowIndex, row) in rows.enumerated() {
            for (columnIndex, tile) in row.enumerated() {
                let left = gap + columnIndex * (tileSize + gap), top = gap + rowIndex * (tileSize + gap)
                for y in 0..<tile.height {
                    let source = y * tile.width * 3, target = ((top + y) * width + left) * 3
                    sheet.pixels.replaceSubrange(target..<(target + tile.width * 3),
                                                 with: tile.pixels[source..<(source + tile.width * 3)])
                }
            }
        }
        return sheet
    }
}
