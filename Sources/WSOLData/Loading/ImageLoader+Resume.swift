//! Starting an epoch part-way through, for resuming a training run mid-epoch.

extension ImageLoader {
    /// The batches of `epoch` from batch `firstBatch` on: exactly the batches `epoch(_:)` would
    /// yield after its first `firstBatch` (same order and augmentation), without decoding the
    /// skipped ones. `firstBatch` past the end gives an empty epoch.
    public func epoch(_ epoch: Int, startingAtBatch firstBatch: Int) -> EpochBatches {
        precondition(firstBatch >= 0, "ImageLoader: negative first batch \(firstBatch)")
        let order = order(epoch: epoch)
        let assembler = BatchAssembler(items: items, pipeline: pipeline, options: options, epoch: epoch,
                                       skipped: skippedWhileLoading)
        let batchSize = options.batchSize
        let remaining = max(batchCount - firstBatch, 0)
        let queue = PrefetchQueue<ImageBatch?>(count: remaining, depth: options.prefetchBatches,
                                               workers: options.workerCount) { index in
            let batchIndex = firstBatch + index
            let positions = batchIndex * batchSize..<min((batchIndex + 1) * batchSize, order.count)
            return try assembler.batch(itemIndices: positions.map { order[$0] })
        }
        return EpochBatches(queue: queue)
    }
}
