//! Reference 2-D max / average pooling with PyTorch semantics.
//!
//! Window of output (oy, ox): rows `oy * strideH - padH ..< + kernelH`, clipped to the image.
//! Max pooling ignores padding; its ties go to the first maximal element in row-major window order
//! (strict `>`), and a NaN wins (PyTorch propagates NaN). Average pooling divides by the window
//! clipped to the padded image (`count_include_pad=True`; with ceil mode a window may stick out past
//! the padding, and that part does not count) or by the in-image part only (`False`).

extension ReferenceKernels {
    public func pool2dForward(
        _ geometry: Pool2dGeometry, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>
    ) {
        geometry.checkValid()
        let g = geometry
        let inputPlane = g.inputHeight * g.inputWidth
        let outputPlane = g.outputHeight * g.outputWidth
        for plane in 0..<(g.batch * g.channels) {
            let source = input + plane * inputPlane
            for oy in 0..<g.outputHeight {
                for ox in 0..<g.outputWidth {
                    let window = PoolWindow(g, oy: oy, ox: ox)
                    let value: Float
                    if g.kind == .max {
                        value = source[window.maximumIndex(in: source, width: g.inputWidth)]
                    } else {
                        var sum = 0.0
                        for y in window.rows { for x in window.columns { sum += Double(source[y * g.inputWidth + x]) } }
                        value = Float(sum / Double(window.divisor))
                    }
                    output[plane * outputPlane + oy * g.outputWidth + ox] = value
                }
            }
        }
    }

    public func pool2dBackward(
        _ geometry: Pool2dGeometry, input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
        inputGradient: UnsafeMutablePointer<Float>
    ) {
        geometry.checkValid()
        let g = geometry
        let inputPlane = g.inputHeight * g.inputWidth
        let outputPlane = g.outputHeight * g.outputWidth
        // Windows overlap when stride < kernel, so accumulate (in Double) then store.
        var accumulator = [Double](repeating: 0, count: inputPlane)
        for plane in 0..<(g.batch * g.channels) {
            let source = input + plane * inputPlane
            for i in 0..<inputPlane { accumulator[i] = 0 }
            for oy in 0..<g.outputHeight {
                for ox in 0..<g.outputWidth {
                    let window = PoolWindow(g, oy: oy, ox: ox)
                    let gradient = Double(outputGradient[plane * outputPlane + oy * g.outputWidth + ox])
                    if g.kind == .max {
                        accumulator[window.maximumIndex(in: source, width: g.inputWidth)] += gradient
                    } else {
                        let share = gradient / Double(window.divisor)
                        for y in window.rows { for x in window.columns { accumulator[y * g.inputWidth + x] += share } }
                    }
                }
            }
            for i in 0..<inputPlane { inputGradient[plane * inputPlane + i] = Float(accumulator[i]) }
        }
    }
}

/// The in-image rows and columns of one pooling window and its average divisor.
struct PoolWindow {
    let rows: Range<Int>
    let columns: Range<Int>
    /// Element count the average divides by (depends on the pooling kind).
    let divisor: Int

    init(_ g: Pool2dGeometry, oy: Int, ox: Int) {
        let top = oy * g.strideHeight - g.paddingHeight
        let left = ox * g.strideWidth - g.paddingWidth
        // Clipped to the padded image: PyTorch's count_include_pad divisor.
        let paddedBottom = min(top + g.kernelHeight, g.inputHeight + g.paddingHeight)
        let paddedRight = min(left + g.kernelWidth, g.inputWidth + g.paddingWidth)
        rows = max(top, 0)..<min(paddedBottom, g.inputHeight)
        columns = max(left, 0)..<min(paddedRight, g.inputWidth)
        switch g.kind {
        case .averageIncludingPadding: divisor = (paddedBottom - top) * (paddedRight - left)
        case .averageExcludingPadding, .max: divisor = rows.count * columns.count
        }
    }

    /// Flat in-plane index of the first maximal element (a NaN replaces the running maximum).
    func maximumIndex(in plane: UnsafePointer<Float>, width: Int) -> Int {
        var bestIndex = rows.lowerBound * width + columns.lowerBound
        var best = -Float.infinity
        for y in rows {
            for x in columns {
                let value = plane[y * width + x]
                if value > best || value.isNaN {
                    best = value
                    bestIndex = y * width + x
                }
            }
        }
        return bestIndex
    }
}
