import Foundation
import Testing
import WSOLData

@Suite struct NumpyFileTests {
    /// A `.npy` file by hand: magic, version, little-endian header length, header, data.
    static func npy(version: UInt8 = 1, header: String, data: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [version, 0]
        let length = header.utf8.count
        bytes += version == 1 ? [UInt8(length & 0xFF), UInt8(length >> 8)]
            : [UInt8(length & 0xFF), UInt8(length >> 8 & 0xFF), 0, 0]
        return bytes + Array(header.utf8) + data
    }

    @Test func readsLittleAndBigEndianFloat32And64() throws {
        // 1.5 as float32 = 0x3FC00000; -2.0 = 0xC0000000. As float64: 1.5 = 0x3FF8000000000000.
        let littleF4 = Self.npy(header: "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2), }\n",
                                data: [0x00, 0x00, 0xC0, 0x3F, 0x00, 0x00, 0x00, 0xC0])
        let bigF4 = Self.npy(header: "{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }\n",
                             data: [0x3F, 0xC0, 0x00, 0x00, 0xC0, 0x00, 0x00, 0x00])
        let bigF8 = Self.npy(version: 2, header: "{'shape': (1, 1), 'fortran_order': False, 'descr': '>f8'}\n",
                             data: [0x3F, 0xF8, 0, 0, 0, 0, 0, 0])
        let a = try NumpyFile.decode(littleF4, path: "a.npy")
        #expect(a.shape == [1, 2])
        #expect(a.elements == .float32([1.5, -2.0]))
        #expect(try NumpyFile.decode(bigF4, path: "b.npy").elements == .float32([1.5, -2.0]))
        let c = try NumpyFile.decode(bigF8, path: "c.npy")
        #expect(c.shape == [1, 1])
        #expect(c.elements == .float64([1.5]))
    }

    @Test func rejectsWhatItCannotReadNamingTheFile() {
        let fortran = Self.npy(header: "{'descr': '<f4', 'fortran_order': True, 'shape': (1, 1), }\n", data: [0, 0, 0, 0])
        let integer = Self.npy(header: "{'descr': '<i4', 'fortran_order': False, 'shape': (1, 1), }\n", data: [0, 0, 0, 0])
        let truncated = Self.npy(header: "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }\n", data: [0, 0])
        for (bytes, reason) in [(fortran, "Fortran"), (integer, "unsupported dtype"), (truncated, "truncated"),
                                (Array("not numpy at all".utf8), "bad magic")] {
            #expect {
                try NumpyFile.decode(bytes, path: "maps/x.npy")
            } throws: { error in
                let text = "\(error)"
                return text.hasPrefix("maps/x.npy:") && text.contains(reason)
            }
        }
        #expect(throws: NumpyError.self) { try NumpyFile.read("/nonexistent/dir/m.npy") }
    }

    @Test func float32WriterRoundTripsAndAlignsTheHeader() throws {
        let values: [Float] = [0, 0.25, 1, -3.5, .greatestFiniteMagnitude, 1e-30]
        let bytes = NumpyFile.encodeFloat32(values, shape: [2, 3])
        // Data starts on a 64-byte boundary (10-byte preamble + header ending in '\n').
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        #expect((10 + headerLength) % 64 == 0)
        #expect(bytes[10 + headerLength - 1] == UInt8(ascii: "\n"))
        let decoded = try NumpyFile.decode(bytes, path: "m.npy")
        #expect(decoded.shape == [2, 3])
        #expect(decoded.elements == .float32(values))

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("npy-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("sub/m.npy").path
        try NumpyFile.writeFloat32(values, shape: [6], to: path)
        #expect(try NumpyFile.read(path).elements == .float32(values))
        #expect(try NumpyFile.read(path).shape == [6])
    }
}
