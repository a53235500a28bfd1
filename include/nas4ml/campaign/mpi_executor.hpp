#pragma once
/// \file The `mpi` executor (docs/cluster.md): a campaign over the ranks of one MPI job started by
/// mpirun or srun. Rank 0 is the coordinator: it runs the optimizer, is the only process that
/// opens the store, and hands candidates out one at a time to whichever worker slot is free, the
/// most expensive first (expected_cost()). Ranks 1..N-1 are workers: each loads the experiment's
/// data itself (a shared file system), checks its SHA-256 against rank 0's, and evaluates with
/// its own threads; synthesis jobs run on workers too, beside the evaluations.
///
/// Written against the MPI C API (OpenMPI 4.1 on Debian): messages are JSON text, so nothing
/// needs a serialization library, and only the calling thread of each rank talks MPI
/// (MPI_THREAD_FUNNELED). Waiting is MPI_Iprobe with a short sleep, not a busy MPI_Recv, so an
/// idle coordinator leaves its core to the workers.
#include <functional>
#include <optional>

#include "nas4ml/campaign/executor.hpp"

namespace nas4ml::campaign {

/// The `mpi` kind, or nothing when nas4ml was built without MPI (NAS4ML_WITH_MPI undefined).
std::optional<ExecutorKind> mpi_executor_kind();

/// How a worker evaluates one job: evaluate_candidate() for campaigns.
using CandidateEvaluator = std::function<EvaluationRecord(const EvaluationContext&, const CandidateJob&)>;

/// The `mpi` kind with workers evaluating through `evaluate` (the coordinator benchmark replaces
/// training by an evaluation that returns at once). Only in builds with MPI.
ExecutorKind mpi_executor_kind(CandidateEvaluator evaluate);

}  // namespace nas4ml::campaign
