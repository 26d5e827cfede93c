//! Counting the multiply-adds of a backbone from its geometry (for GFLOP/s in benchmarks).
import TensorCore
import TensorNN

extension FeatureMapClassifier {
    /// Floating-point operations of one forward pass per image, counting convolutions and linear
    /// layers only (2 per multiply-add; biases, BN, pooling and activations are not counted).
    ///
    /// A conv with weight `[O, I/g, kH, kW]` producing `h x w` costs `2·O·(I/g)·kH·kW·h·w`. The
    /// output size of each conv is read from one batch-1 forward pass: it is that of the
    /// addressable layer that owns the conv, except for the convs that run before a block's
    /// strided conv (a bottleneck's `conv1`, an inverted residual's expansion, the 1x1/7x1 stems of
    /// Inception's reduction blocks), which run at the block's input size. Inception's `AuxLogits`
    /// is not run and not counted.
    /// - Parameters: inputHeight, inputWidth: the image size in pixels.
    public func forwardFLOPs(inputHeight: Int, inputWidth: Int) -> Double {
        let names = featureLayerNames
        let shapes = featureShapes(of: Set(names), height: inputHeight, width: inputWidth)
        let area: (String) -> Double = { name in
            let shape = shapes[name] ?? [1, 1, 1, 1]
            return Double(shape.count == 4 ? shape[2] * shape[3] : 1)
        }
        var total = 0.0
        for (name, parameter) in namedParameters() where name.hasSuffix(".weight") && !name.hasPrefix("AuxLogits.") {
            let shape = parameter.value.shape
            if shape.count == 2 {
                total += 2 * Double(parameter.value.count)
                continue
            }
            guard shape.count == 4, let owner = owningLayer(of: name, among: names) else { continue }
            let path = String(name.dropFirst(owner.count + 1).dropLast(".weight".count))
            let runsAtInput = module(at: owner).map { Self.runsAtBlockInput(path, in: $0) } ?? false
            let sizeLayer = runsAtInput ? previousLayer(before: owner, in: names) : owner
            total += 2 * Double(parameter.value.count) * area(sizeLayer)
        }
        return total
    }

    /// Whether the conv at `path` inside `block` runs before the block's strided conv.
    private static func runsAtBlockInput(_ path: String, in block: any Module) -> Bool {
        switch block {
        case is Bottleneck: return path == "conv1"
        case let inverted as InvertedResidual: return inverted.conv.layers.count == 4 && path == "conv.0.0"
        case let reduction as InceptionB:
            return reduction.stride != 1 && ["branch3x3dbl_1.conv", "branch3x3dbl_2.conv"].contains(path)
        case is InceptionD: return ["branch3x3_1.conv", "branch7x7x3_1.conv", "branch7x7x3_2.conv", "branch7x7x3_3.conv"].contains(path)
        default: return false
        }
    }

    /// The module at a dotted path of the tree (`layer2.0`), if any.
    private func module(at path: String) -> (any Module)? {
        var current: any Module = self
        for component in path.split(separator: ".") {
            guard let child = current.children.first(where: { $0.0 == component })?.1 else { return nil }
            current = child
        }
        return current
    }

    /// The longest addressable layer name that is a dotted prefix of (or equal to) the parameter's module.
    private func owningLayer(of parameterName: String, among names: [String]) -> String? {
        names.filter { parameterName.hasPrefix($0 + ".") }.max { $0.count < $1.count }
    }

    /// The addressable layer before `name` that is not inside it or a part of it (for `layer2.0`,
    /// `layer1`; for `features.2`, `features.1`).
    private func previousLayer(before name: String, in names: [String]) -> String {
        guard let index = names.firstIndex(of: name), index > 0 else { return name }
        return names[index - 1]
    }
}
