"""PyTorch side of `wsol bench engine`: the same steps with the same architectures (plain torch,
from scripts/fixtures/models_golden.py), for figures measured in the same session on the same
machine. Development only: needs `pip install torch` (CPU); WSOLKit never does.

Usage: python3 scripts/bench/pytorch_reference.py MODEL MODE [--repeats N] [--channels-last]
  MODEL: resnet50 | vgg16 | mobilenetv2 | small      MODE: train | forward
Prints one JSON line with the keys of `wsol bench engine --json`. Run one model per process so
that peakRSSBytes is that model's.
"""
import argparse
import importlib.util
import json
import os
import resource
import statistics
import time

import torch
import torch.nn.functional as F

spec = importlib.util.spec_from_file_location(
    "models_golden", os.path.join(os.path.dirname(__file__), "../fixtures/models_golden.py"))
golden = importlib.util.module_from_spec(spec)
spec.loader.exec_module(golden)
torch.set_grad_enabled(True)  # the fixture script turns recording off at import

# (builder, train batch, input size) as in `wsol bench engine`.
MODELS = {
    "resnet50": (lambda: golden.ResNet50(1000), 8, 224),
    "vgg16": (lambda: golden.VGG16(1000), 8, 224),
    "mobilenetv2": (lambda: golden.MobileNetV2(1000), 32, 224),
    "small": (lambda: golden.SmallResNet(10), 64, 64),
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("model", choices=MODELS)
    parser.add_argument("mode", choices=["train", "forward"])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--channels-last", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(2)
    build, train_batch, size = MODELS[args.model]
    model = build()
    batch = train_batch if args.mode == "train" else 32
    memory_format = torch.channels_last if args.channels_last else torch.contiguous_format
    model = model.to(memory_format=memory_format)
    images = torch.randn(batch, 3, size, size).to(memory_format=memory_format)
    labels = torch.randint(0, 10, (batch,))
    record = lambda name, x: x  # noqa: E731  (the golden models take a recorder)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, nesterov=True, weight_decay=1e-4)

    def step():
        if args.mode == "train":
            model.train()
            optimizer.zero_grad(set_to_none=True)
            F.cross_entropy(model(images, record), labels).backward()
            optimizer.step()
        else:
            model.eval()
            with torch.no_grad():
                model(images, record)

    step()  # warm-up
    times = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    seconds = statistics.median(times)
    print(json.dumps({
        "framework": f"pytorch {torch.__version__}" + (" channels-last" if args.channels_last else ""),
        "model": args.model, "batch": batch, "mode": args.mode, "secondsPerStep": seconds,
        "imagesPerSecond": batch / seconds,
        "peakRSSBytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
    }))


if __name__ == "__main__":
    main()
