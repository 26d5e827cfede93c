//! A differentiable sum across processes: the building block of synchronised batch norm.
import TensorCore

extension Communicator {
    /// The element-wise sum of `tensor` over all ranks (same shape on every rank), recorded for
    /// autodiff. With `L = Σ_r L_r(s)` and `s = Σ_r x_r`, `dL/dx_r = Σ_r' dL_r'/ds`: the backward
    /// is itself a sum over ranks of the upstream gradients, so every rank's backward pass must
    /// reach this op (it does when all ranks run the same graph).
    ///
    /// - Parameter tensor: any shape; float32.
    /// - Returns: the same shape, equal on every rank.
    public func sumAcrossRanks(_ tensor: Tensor) -> Tensor {
        let total = withNoGrad { reducedCopy(tensor) }
        return customGradient(total, inputs: [tensor], rule: SumAcrossRanksRule(communicator: self))
    }

    /// A new tensor holding the sum over ranks of `tensor`'s values (not recorded).
    public func reducedCopy(_ tensor: Tensor) -> Tensor {
        var copy = Tensor(shape: tensor.shape) { target in
            tensor.withUnsafeBufferPointer { source in _ = target.initialize(fromContentsOf: source) }
        }
        copy.withUnsafeMutableBufferPointer { allreduceSum($0) }
        return copy
    }
}

/// Backward of ``Communicator/sumAcrossRanks(_:)``: the upstream gradients summed over ranks.
struct SumAcrossRanksRule: CustomGradientRule {
    let communicator: any Communicator

    func inputGradients(inputs: [Tensor], output: Tensor, gradient: Tensor, needs: [Bool]) -> [Tensor?] {
        // Every rank must take part even if its own input needs no gradient.
        let total = communicator.reducedCopy(gradient)
        return [needs[0] ? total : nil]
    }
}
