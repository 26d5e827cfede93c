//! CI-CAM's context-pool update, applied after the optimizer step so that data-parallel ranks
//! can sum their batch contributions first.
import TensorDistributed

/// A pool update computed during a step and applied in `synchronize(using:)`.
///
/// The update standardises the batch sum (not linear), so ranks must add their raw sums before
/// it is applied: then every rank holds the pool one process would after the global batch. The
/// step's loss was built from a copy of the pool's values, so applying the update after the
/// optimizer step (instead of inside the step) changes nothing for one process.
final class PendingPoolUpdate {
    private var pending: (model: CICAMModel, batchSum: [Float], rate: Float)?

    /// Records this step's contribution (replacing any earlier one not yet applied).
    func record(model: CICAMModel, batchSum: [Float], rate: Float) {
        pending = (model, batchSum, rate)
    }

    /// Sums the contributions over ranks (with more than one) and updates the pool.
    func apply(using communicator: any Communicator) {
        guard var update = pending else { return }
        pending = nil
        if communicator.size > 1 { update.batchSum.withUnsafeMutableBufferPointer { communicator.allreduceSum($0) } }
        update.model.applyPoolUpdate(batchSum: update.batchSum, rate: update.rate)
    }
}
