"""Command line for training::

    python -m lenet5_lesson --model faithful --epochs 20 --out runs/faithful

trains (or reuses) a run and writes ``model.weights.h5`` and ``history.json`` into ``--out``.
"""

from __future__ import annotations

import argparse
import shutil
import sys

from .training import OPTIMIZERS, RECIPES, SHIPPED_WEIGHTS, Run, shipped_folder, train, write_provenance


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m lenet5_lesson``."""
    parser = argparse.ArgumentParser(prog="python -m lenet5_lesson", description=__doc__.split("\n")[0])
    parser.add_argument("--model", default="faithful", choices=sorted(RECIPES))
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--optimizer", default="adam", choices=OPTIMIZERS,
                        help="adam (the book's recipe) or sdlm (the paper's, faithful model only)")
    parser.add_argument("--distortions", action="store_true", help="train on randomly distorted images")
    parser.add_argument("--train-size", type=int, default=None, help="use only the first N training images")
    parser.add_argument("--out", default=None, help="folder for model.weights.h5 and history.json")
    parser.add_argument("--no-reuse", action="store_true", help="train even if a finished run matches")
    parser.add_argument("--ship", action="store_true",
                        help="also copy the run's history and provenance into the package, and its weights "
                             "if the book loads them (maintainers)")
    args = parser.parse_args(argv)
    try:
        run = train(args.model, args.epochs, args.seed, args.out, verbose=1, reuse=not args.no_reuse,
                    train_size=args.train_size, optimizer=args.optimizer, distortions=args.distortions)
    except (ValueError, TypeError, OSError) as err:
        parser.error(str(err))
    if args.ship:
        target = shipped_folder(args.model, args.seed, args.optimizer, args.distortions)
        if run.folder.resolve() != target.resolve():
            target.mkdir(parents=True, exist_ok=True)
            names = ["history.json"]
            if target.name in SHIPPED_WEIGHTS:
                names.append("model.weights.h5")
            for name in names:
                shutil.copy(run.folder / name, target / name)
        shipped = Run(args.model, target, run.history)
        write_provenance(shipped, "python -m lenet5_lesson " + " ".join(argv or sys.argv[1:]))
    print(f"{args.model}: test error {100 * run.test_error:.2f} % after {args.epochs} epochs; "
          f"weights and history in {run.folder}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
