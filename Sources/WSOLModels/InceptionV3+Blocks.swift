//! The blocks of torchvision's InceptionV3 (`BasicConv2d`, `InceptionA` ... `InceptionE`,
//! `InceptionAux`) with its child names. Each block maps `[N, C, H, W]` to the channel count noted.
import TensorCore
import TensorNN

/// Conv (no bias) + BN (eps 0.001, as torchvision) + ReLU; children `conv`, `bn`.
final class BasicConv2d: NamedModule, Layer {
    let conv: Conv2d
    let bn: BatchNorm2d

    init(_ inChannels: Int, _ outChannels: Int, kernel: (Int, Int), stride: Int = 1, padding: (Int, Int) = (0, 0),
         using generator: inout RandomGenerator) {
        conv = Conv2d(inChannels, outChannels, kernelSize: kernel, stride: (stride, stride), padding: padding,
                      bias: false, initializer: .zeros, using: &generator)
        bn = BatchNorm2d(outChannels, epsilon: 0.001)
    }

    convenience init(_ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0,
                     using generator: inout RandomGenerator) {
        self.init(inChannels, outChannels, kernel: (kernel, kernel), stride: stride, padding: (padding, padding),
                  using: &generator)
    }

    override var children: [(String, any Module)] { [("conv", conv), ("bn", bn)] }

    func callAsFunction(_ input: Tensor) -> Tensor { relu(bn(conv(input))) }
}

/// 3x3 average pooling with stride 1 and padding 1 (padded zeros counted, PyTorch's default).
private func sameAveragePool(_ x: Tensor) -> Tensor { avgPool2d(x, kernelSize: 3, stride: 1, padding: 1) }

/// `InceptionA`: 1x1, 5x5, double 3x3 and pooled 1x1 branches; 224 + `poolFeatures` channels out.
final class InceptionA: NamedModule, Layer {
    let branch1x1, branch5x5_1, branch5x5_2, branch3x3dbl_1, branch3x3dbl_2, branch3x3dbl_3, branchPool: BasicConv2d

    init(_ inChannels: Int, poolFeatures: Int, using g: inout RandomGenerator) {
        branch1x1 = BasicConv2d(inChannels, 64, kernel: 1, using: &g)
        branch5x5_1 = BasicConv2d(inChannels, 48, kernel: 1, using: &g)
        branch5x5_2 = BasicConv2d(48, 64, kernel: 5, padding: 2, using: &g)
        branch3x3dbl_1 = BasicConv2d(inChannels, 64, kernel: 1, using: &g)
        branch3x3dbl_2 = BasicConv2d(64, 96, kernel: 3, padding: 1, using: &g)
        branch3x3dbl_3 = BasicConv2d(96, 96, kernel: 3, padding: 1, using: &g)
        branchPool = BasicConv2d(inChannels, poolFeatures, kernel: 1, using: &g)
    }

    override var children: [(String, any Module)] {
        [("branch1x1", branch1x1), ("branch5x5_1", branch5x5_1), ("branch5x5_2", branch5x5_2),
         ("branch3x3dbl_1", branch3x3dbl_1), ("branch3x3dbl_2", branch3x3dbl_2),
         ("branch3x3dbl_3", branch3x3dbl_3), ("branch_pool", branchPool)]
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        concat([branch1x1(x), branch5x5_2(branch5x5_1(x)), branch3x3dbl_3(branch3x3dbl_2(branch3x3dbl_1(x))),
                branchPool(sameAveragePool(x))], axis: 1)
    }
}

/// `InceptionB` (grid reduction, 384 + 96 + C channels out). torchvision: stride 2, no padding.
/// wsolevaluation's CAM variant: stride 1, padding 1 for both 3x3 branches and the max-pool.
final class InceptionB: NamedModule, Layer {
    let branch3x3, branch3x3dbl_1, branch3x3dbl_2, branch3x3dbl_3: BasicConv2d
    let stride: Int
    let poolPadding: Int

    init(_ inChannels: Int, stride: Int = 2, padding: Int = 0, using g: inout RandomGenerator) {
        branch3x3 = BasicConv2d(inChannels, 384, kernel: 3, stride: stride, padding: padding, using: &g)
        branch3x3dbl_1 = BasicConv2d(inChannels, 64, kernel: 1, using: &g)
        branch3x3dbl_2 = BasicConv2d(64, 96, kernel: 3, padding: 1, using: &g)
        branch3x3dbl_3 = BasicConv2d(96, 96, kernel: 3, stride: stride, padding: padding, using: &g)
        self.stride = stride
        // torchvision pools without padding; the CAM variant (stride 1) pads by 1 to keep the size.
        poolPadding = stride == 1 ? 1 : 0
    }

    override var children: [(String, any Module)] {
        [("branch3x3", branch3x3), ("branch3x3dbl_1", branch3x3dbl_1), ("branch3x3dbl_2", branch3x3dbl_2),
         ("branch3x3dbl_3", branch3x3dbl_3)]
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        concat([branch3x3(x), branch3x3dbl_3(branch3x3dbl_2(branch3x3dbl_1(x))),
                maxPool2d(x, kernelSize: 3, stride: stride, padding: poolPadding)], axis: 1)
    }
}

/// `InceptionC`: factorised 7x7 branches with `c7` inner channels; 768 channels out.
final class InceptionC: NamedModule, Layer {
    let branch1x1, branch7x7_1, branch7x7_2, branch7x7_3: BasicConv2d
    let branch7x7dbl_1, branch7x7dbl_2, branch7x7dbl_3, branch7x7dbl_4, branch7x7dbl_5, branchPool: BasicConv2d

    init(_ inChannels: Int, channels7x7 c7: Int, using g: inout RandomGenerator) {
        let (row, column) = ((1, 7), (7, 1))
        let (rowPad, columnPad) = ((0, 3), (3, 0))
        branch1x1 = BasicConv2d(inChannels, 192, kernel: 1, using: &g)
        branch7x7_1 = BasicConv2d(inChannels, c7, kernel: 1, using: &g)
        branch7x7_2 = BasicConv2d(c7, c7, kernel: row, padding: rowPad, using: &g)
        branch7x7_3 = BasicConv2d(c7, 192, kernel: column, padding: columnPad, using: &g)
        branch7x7dbl_1 = BasicConv2d(inChannels, c7, kernel: 1, using: &g)
        branch7x7dbl_2 = BasicConv2d(c7, c7, kernel: column, padding: columnPad, using: &g)
        branch7x7dbl_3 = BasicConv2d(c7, c7, kernel: row, padding: rowPad, using: &g)
        branch7x7dbl_4 = BasicConv2d(c7, c7, kernel: column, padding: columnPad, using: &g)
        branch7x7dbl_5 = BasicConv2d(c7, 192, kernel: row, padding: rowPad, using: &g)
        branchPool = BasicConv2d(inChannels, 192, kernel: 1, using: &g)
    }

    override var children: [(String, any Module)] {
        [("branch1x1", branch1x1), ("branch7x7_1", branch7x7_1), ("branch7x7_2", branch7x7_2),
         ("branch7x7_3", branch7x7_3), ("branch7x7dbl_1", branch7x7dbl_1), ("branch7x7dbl_2", branch7x7dbl_2),
         ("branch7x7dbl_3", branch7x7dbl_3), ("branch7x7dbl_4", branch7x7dbl_4),
         ("branch7x7dbl_5", branch7x7dbl_5), ("branch_pool", branchPool)]
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        let seven = branch7x7_3(branch7x7_2(branch7x7_1(x)))
        let double = branch7x7dbl_5(branch7x7dbl_4(branch7x7dbl_3(branch7x7dbl_2(branch7x7dbl_1(x)))))
        return concat([branch1x1(x), seven, double, branchPool(sameAveragePool(x))], axis: 1)
    }
}

/// `InceptionD` (second grid reduction, stride 2): 320 + 192 + C channels out.
final class InceptionD: NamedModule, Layer {
    let branch3x3_1, branch3x3_2, branch7x7x3_1, branch7x7x3_2, branch7x7x3_3, branch7x7x3_4: BasicConv2d

    init(_ inChannels: Int, using g: inout RandomGenerator) {
        branch3x3_1 = BasicConv2d(inChannels, 192, kernel: 1, using: &g)
        branch3x3_2 = BasicConv2d(192, 320, kernel: 3, stride: 2, using: &g)
        branch7x7x3_1 = BasicConv2d(inChannels, 192, kernel: 1, using: &g)
        branch7x7x3_2 = BasicConv2d(192, 192, kernel: (1, 7), padding: (0, 3), using: &g)
        branch7x7x3_3 = BasicConv2d(192, 192, kernel: (7, 1), padding: (3, 0), using: &g)
        branch7x7x3_4 = BasicConv2d(192, 192, kernel: 3, stride: 2, using: &g)
    }

    override var children: [(String, any Module)] {
        [("branch3x3_1", branch3x3_1), ("branch3x3_2", branch3x3_2), ("branch7x7x3_1", branch7x7x3_1),
         ("branch7x7x3_2", branch7x7x3_2), ("branch7x7x3_3", branch7x7x3_3), ("branch7x7x3_4", branch7x7x3_4)]
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        let seven = branch7x7x3_4(branch7x7x3_3(branch7x7x3_2(branch7x7x3_1(x))))
        return concat([branch3x3_2(branch3x3_1(x)), seven, maxPool2d(x, kernelSize: 3, stride: 2)], axis: 1)
    }
}

/// `InceptionE`: expanded 1x3/3x1 branches; 2048 channels out.
final class InceptionE: NamedModule, Layer {
    let branch1x1, branch3x3_1, branch3x3_2a, branch3x3_2b: BasicConv2d
    let branch3x3dbl_1, branch3x3dbl_2, branch3x3dbl_3a, branch3x3dbl_3b, branchPool: BasicConv2d

    init(_ inChannels: Int, using g: inout RandomGenerator) {
        branch1x1 = BasicConv2d(inChannels, 320, kernel: 1, using: &g)
        branch3x3_1 = BasicConv2d(inChannels, 384, kernel: 1, using: &g)
        branch3x3_2a = BasicConv2d(384, 384, kernel: (1, 3), padding: (0, 1), using: &g)
        branch3x3_2b = BasicConv2d(384, 384, kernel: (3, 1), padding: (1, 0), using: &g)
        branch3x3dbl_1 = BasicConv2d(inChannels, 448, kernel: 1, using: &g)
        branch3x3dbl_2 = BasicConv2d(448, 384, kernel: 3, padding: 1, using: &g)
        branch3x3dbl_3a = BasicConv2d(384, 384, kernel: (1, 3), padding: (0, 1), using: &g)
        branch3x3dbl_3b = BasicConv2d(384, 384, kernel: (3, 1), padding: (1, 0), using: &g)
        branchPool = BasicConv2d(inChannels, 192, kernel: 1, using: &g)
    }

    override var children: [(String, any Module)] {
        [("branch1x1", branch1x1), ("branch3x3_1", branch3x3_1), ("branch3x3_2a", branch3x3_2a),
         ("branch3x3_2b", branch3x3_2b), ("branch3x3dbl_1", branch3x3dbl_1), ("branch3x3dbl_2", branch3x3dbl_2),
         ("branch3x3dbl_3a", branch3x3dbl_3a), ("branch3x3dbl_3b", branch3x3dbl_3b), ("branch_pool", branchPool)]
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        let three = branch3x3_1(x)
        let double = branch3x3dbl_2(branch3x3dbl_1(x))
        return concat([branch1x1(x), concat([branch3x3_2a(three), branch3x3_2b(three)], axis: 1),
                       concat([branch3x3dbl_3a(double), branch3x3dbl_3b(double)], axis: 1),
                       branchPool(sameAveragePool(x))], axis: 1)
    }
}

/// `InceptionAux` (training-time auxiliary classifier on `Mixed_6e`). Kept so torchvision
/// checkpoints load strictly; the forward pass of ``InceptionV3`` (evaluation semantics) does not
/// use it.
final class InceptionAux: NamedModule {
    let conv0, conv1: BasicConv2d
    let fc: Linear

    init(_ inChannels: Int, classCount: Int, using g: inout RandomGenerator) {
        conv0 = BasicConv2d(inChannels, 128, kernel: 1, using: &g)
        conv1 = BasicConv2d(128, 768, kernel: 5, using: &g)
        fc = Linear(inFeatures: 768, outFeatures: classCount, initializer: .zeros, using: &g)
    }

    override var children: [(String, any Module)] { [("conv0", conv0), ("conv1", conv1), ("fc", fc)] }
}
