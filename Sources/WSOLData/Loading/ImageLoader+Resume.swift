//! Starting an epoch part-way through, for resuming a training run mid-epoch.

extension ImageLoader {
    /// The batches of `epoch` from batch `firstBatch` on: exactly the batches `epoch(_:)` would
    /// yield after its first `firstBatch` (same order and augmentation, which depend only on the
    /// seed, the epoch and the image), without decoding the skipped ones. `firstBatch` past the
    /// end gives an empty epoch.
    public func epoch(_ epoch: Int, startingAtBatch firstBatch: Int) -> EpochBatches {
        precondition(firstBatch >= 0, "ImageLoader: negative first batch \(firstBatch)")
        guard firstBatch > 0 else { return self.epoch(epoch) }
        let remainingBatches = max(batchCount - firstBatch, 0)
        let order = Array(shardOrder(epoch: epoch).dropFirst(min(firstBatch * options.batchSize, items.count)))
        let preparer = ImagePreparer(items: items, pipeline: pipeline, options: options, epoch: epoch,
                                     skipped: skippedWhileLoading)
        let imageCount = min(order.count, remainingBatches * options.batchSize)
        let queue = PrefetchQueue<PreparedImage>(count: imageCount, depth: options.prefetchBatches * options.batchSize,
                                                 workers: options.workerCount) { position in
            try preparer.prepare(itemIndex: order[position])
        }
        let layout = EpochBatches.Layout(order: order, items: items, batchSize: options.batchSize,
                                         batchCount: remainingBatches, normalization: pipeline.normalization)
        return EpochBatches(queue: queue, layout: layout)
    }
}
