//! The subset of the COCO "instances" JSON that the importer reads, decoded with JSONDecoder.
import Foundation

/// A COCO annotation file: `images`, `annotations`, `categories`. Other keys (`info`, `licenses`,
/// `segmentation`, ...) are ignored.
struct COCOFile: Decodable {
    var images: [COCOImage]
    var annotations: [COCOAnnotation]
    var categories: [COCOCategory]
}

struct COCOImage: Decodable {
    var id: COCOIdentifier
    var fileName: String
    var width: Int?
    var height: Int?

    enum CodingKeys: String, CodingKey {
        case id, width, height
        case fileName = "file_name"
    }
}

struct COCOAnnotation: Decodable {
    var id: COCOIdentifier?
    var imageID: COCOIdentifier
    var categoryID: COCOIdentifier
    /// `[x, y, width, height]` in pixels, from the image's top-left corner.
    var bbox: [Double]

    enum CodingKeys: String, CodingKey {
        case id, bbox
        case imageID = "image_id"
        case categoryID = "category_id"
    }
}

struct COCOCategory: Decodable {
    var id: COCOIdentifier
    var name: String
}

/// COCO ids are integers; some exporters write strings. Both are accepted and compared as text.
struct COCOIdentifier: Decodable, Hashable, CustomStringConvertible {
    var text: String
    /// Integer ids sort numerically, others after them by text.
    var sortKey: (Int, String) { (Int(text) ?? Int.max, text) }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int.self) {
            text = String(number)
        } else {
            text = try container.decode(String.self)
        }
    }

    var description: String { text }
}

extension COCOFile {
    /// Decodes `path`, turning every failure into a `MetadataError` that names the file and, for
    /// a decoding error, the JSON path of the offending value (`annotations[12].bbox`).
    static func read(path: String) throws -> COCOFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw MetadataError(path: path, reason: "cannot read file")
        }
        do {
            return try JSONDecoder().decode(COCOFile.self, from: data)
        } catch let error as DecodingError {
            throw MetadataError(path: path, reason: "not a COCO annotation file: \(describe(error))")
        } catch {
            throw MetadataError(path: path, reason: "not a COCO annotation file: \(error.localizedDescription)")
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func location(_ path: [any CodingKey]) -> String {
            let text = path.map { key in key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)" }.joined()
            return text.isEmpty ? "top level" : String(text.drop { $0 == "." })
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "missing key '\(key.stringValue)' at \(location(context.codingPath))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "\(context.debugDescription) at \(location(context.codingPath))"
        case .dataCorrupted(let context):
            let underlying = (context.underlyingError as NSError?)?.localizedDescription ?? context.debugDescription
            return "invalid JSON (\(underlying)) at \(location(context.codingPath))"
        @unknown default:
            return String(describing: error)
        }
    }
}
