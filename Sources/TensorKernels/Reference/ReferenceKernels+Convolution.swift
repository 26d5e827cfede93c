//! Reference 2-D convolution (PyTorch `conv2d` semantics: zero padding, dilation, groups).
//!
//! Index maps used by all three passes, for output position (oy, ox) and tap (ky, kx):
//! `iy = oy * strideH - padH + ky * dilationH`, `ix = ox * strideW - padW + kx * dilationW`;
//! taps with `iy`/`ix` outside the image read zero. Output channel `oc` belongs to group
//! `oc / (outputChannels / groups)` and sees input channels `group * inputChannelsPerGroup + icg`.
//! Each pass is a gather (every output element computed on its own), so chunks run in parallel.

extension ReferenceKernels {
    public func conv2dForward(
        _ geometry: Conv2dGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>
    ) {
        geometry.checkValid()
        let g = geometry
        let shape = ConvIndexing(g)
        let input = SendablePointer(input)
        let weight = SendablePointer(weight)
        let bias = bias.map { SendablePointer($0) }
        let output = SendableMutablePointer(output)
        // One work item per (n, oc) output plane.
        parallelChunks(count: g.batch * g.outputChannels, minimumChunk: 1) { planes in
            for plane in planes {
                let (n, oc) = plane.quotientAndRemainder(dividingBy: g.outputChannels)
                let group = oc / shape.outputChannelsPerGroup
                for oy in 0..<shape.outputHeight {
                    for ox in 0..<shape.outputWidth {
                        var sum = bias.map { Double($0[oc]) } ?? 0
                        for icg in 0..<shape.inputChannelsPerGroup {
                            let ic = group * shape.inputChannelsPerGroup + icg
                            for ky in 0..<g.kernelHeight {
                                let iy = oy * g.strideHeight - g.paddingHeight + ky * g.dilationHeight
                                guard iy >= 0 && iy < g.inputHeight else { continue }
                                for kx in 0..<g.kernelWidth {
                                    let ix = ox * g.strideWidth - g.paddingWidth + kx * g.dilationWidth
                                    guard ix >= 0 && ix < g.inputWidth else { continue }
                                    sum +=
                                        Double(input[shape.inputIndex(n, ic, iy, ix)])
                                        * Double(weight[shape.weightIndex(oc, icg, ky, kx)])
                                }
                            }
                        }
                        output[shape.outputIndex(n, oc, oy, ox)] = Float(sum)
                    }
                }
            }
        }
    }

    public func conv2dBackwardData(
        _ geometry: Conv2dGeometry, outputGradient: UnsafePointer<Float>,
        weight: UnsafePointer<Float>, inputGradient: UnsafeMutablePointer<Float>
    ) {
        geometry.checkValid()
        let g = geometry
        let shape = ConvIndexing(g)
        let outputGradient = SendablePointer(outputGradient)
        let weight = SendablePointer(weight)
        let inputGradient = SendableMutablePointer(inputGradient)
        // One work item per (n, ic) input plane; each input element gathers every (oc, tap) that read it.
        parallelChunks(count: g.batch * g.inputChannels, minimumChunk: 1) { planes in
            for plane in planes {
                let (n, ic) = plane.quotientAndRemainder(dividingBy: g.inputChannels)
                let (group, icg) = ic.quotientAndRemainder(dividingBy: shape.inputChannelsPerGroup)
                let firstOC = group * shape.outputChannelsPerGroup
                for iy in 0..<g.inputHeight {
                    for ix in 0..<g.inputWidth {
                        var sum = 0.0
                        for oc in firstOC..<(firstOC + shape.outputChannelsPerGroup) {
                            for ky in 0..<g.kernelHeight {
                                // Solve iy = oy * s - p + ky * d for an integral, in-range oy.
                                let rowOffset = iy + g.paddingHeight - ky * g.dilationHeight
                                guard rowOffset >= 0 && rowOffset % g.strideHeight == 0 else { continue }
                                let oy = rowOffset / g.strideHeight
                                guard oy < shape.outputHeight else { continue }
                                for kx in 0..<g.kernelWidth {
                                    let columnOffset = ix + g.paddingWidth - kx * g.dilationWidth
                                    guard columnOffset >= 0 && columnOffset % g.strideWidth == 0 else { continue }
                                    let ox = columnOffset / g.strideWidth
                                    guard ox < shape.outputWidth else { continue }
                                    sum +=
                                        Double(outputGradient[shape.outputIndex(n, oc, oy, ox)])
                                        * Double(weight[shape.weightIndex(oc, icg, ky, kx)])
                                }
                            }
                        }
                        inputGradient[shape.inputIndex(n, ic, iy, ix)] = Float(sum)
                    }
                }
            }
        }
    }

    public func conv2dBackwardWeights(
        _ geometry: Conv2dGeometry, input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
        weightGradient: UnsafeMutablePointer<Float>, biasGradient: UnsafeMutablePointer<Float>?
    ) {
        geometry.checkValid()
        let g = geometry
        let shape = ConvIndexing(g)
        let input = SendablePointer(input)
        let outputGradient = SendablePointer(outputGradient)
        let weightGradient = SendableMutablePointer(weightGradient)
        // One work item per output channel: it owns its weight slice and its bias element.
        parallelChunks(count: g.outputChannels, minimumChunk: 1) { channels in
            for oc in channels {
                let group = oc / shape.outputChannelsPerGroup
                for icg in 0..<shape.inputChannelsPerGroup {
                    let ic = group * shape.inputChannelsPerGroup + icg
                    for ky in 0..<g.kernelHeight {
                        for kx in 0..<g.kernelWidth {
                            var sum = 0.0
                            for n in 0..<g.batch {
                                for oy in 0..<shape.outputHeight {
                                    let iy = oy * g.strideHeight - g.paddingHeight + ky * g.dilationHeight
                                    guard iy >= 0 && iy < g.inputHeight else { continue }
                                    for ox in 0..<shape.outputWidth {
                                        let ix = ox * g.strideWidth - g.paddingWidth + kx * g.dilationWidth
                                        guard ix >= 0 && ix < g.inputWidth else { continue }
                                        sum +=
                                            Double(outputGradient[shape.outputIndex(n, oc, oy, ox)])
                                            * Double(input[shape.inputIndex(n, ic, iy, ix)])
                                    }
                                }
                            }
                            weightGradient[shape.weightIndex(oc, icg, ky, kx)] = Float(sum)
                        }
                    }
                }
            }
        }
        guard let biasGradient else { return }
        for oc in 0..<g.outputChannels {
            var sum = 0.0
            for n in 0..<g.batch {
                for position in 0..<(shape.outputHeight * shape.outputWidth) {
                    sum += Double(
                        outputGradient[
                            (n * g.outputChannels + oc) * shape.outputHeight
                                * shape.outputWidth + position])
                }
            }
            biasGradient[oc] = Float(sum)
        }
    }
}

/// Flat NCHW / OIHW index arithmetic for one convolution geometry.
struct ConvIndexing: Sendable {
    let geometry: Conv2dGeometry
    let outputHeight: Int
    let outputWidth: Int
    let inputChannelsPerGroup: Int
    let outputChannelsPerGroup: Int

    init(_ geometry: Conv2dGeometry) {
        self.geometry = geometry
        outputHeight = geometry.outputHeight
        outputWidth = geometry.outputWidth
        inputChannelsPerGroup = geometry.inputChannels / geometry.groups
        outputChannelsPerGroup = geometry.outputChannels / geometry.groups
    }

    func inputIndex(_ n: Int, _ c: Int, _ y: Int, _ x: Int) -> Int {
        ((n * geometry.inputChannels + c) * geometry.inputHeight + y) * geometry.inputWidth + x
    }
    func outputIndex(_ n: Int, _ c: Int, _ y: Int, _ x: Int) -> Int {
        ((n * geometry.outputChannels + c) * outputHeight + y) * outputWidth + x
    }
    /// Weight `[outputChannels, inputChannels / groups, kernelHeight, kernelWidth]`.
    func weightIndex(_ oc: Int, _ icg: Int, _ ky: Int, _ kx: Int) -> Int {
        ((oc * inputChannelsPerGroup + icg) * geometry.kernelHeight + ky) * geometry.kernelWidth + kx
    }
}
