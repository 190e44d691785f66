// SPDX-License-Identifier: MIT
// Runs a key source's refreshes off the request path: on one worker thread the runner owns, or on an executor
// the caller supplies; stop() waits for a job already running and drops the ones not started.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>

#include "user_code.hpp"

namespace jot::detail {

/// One job slot run in the background. Without an executor the runner starts its own thread at the first
/// post() (a source that never refreshes in the background never starts one) and joins it in stop(): no
/// thread is ever detached. With an executor, each job is handed to it wrapped in a gate shared with the
/// runner, so a job the executor runs after stop() does nothing instead of touching a destroyed source.
class background_runner {
public:
    using executor = std::function<void(std::function<void()>)>;

    explicit background_runner(executor ex = {}) : executor_(std::move(ex)), gate_(std::make_shared<gate>()) {}
    background_runner(const background_runner&) = delete;
    background_runner& operator=(const background_runner&) = delete;
    ~background_runner() { stop(); }

    /// Schedules `job` to run once, off the calling thread. False when it could not be handed over (stopped,
    /// the thread could not start, or the caller's executor threw): the caller then counts the job as failed.
    /// An exception leaving `job` is swallowed: the job must leave its own state consistent (it does: the
    /// source's refresh resets its in-flight flag in a guard).
    bool post(std::function<void()> job) noexcept {
        auto g = gate_;
        auto wrapped = [g, job = std::move(job)]() noexcept {
            {
                std::lock_guard<std::mutex> lock(g->m);
                if (g->stopped) return;
                ++g->running;
            }
            call_user_code([&] { job(); }, [] {});
            std::lock_guard<std::mutex> lock(g->m);
            --g->running;
            g->cv.notify_all();
        };
        if (executor_) {
            // The executor is the caller's code: a throw from it means the job was not scheduled.
            return call_user_code(
                [&] {
                    executor_(std::function<void()>(std::move(wrapped)));
                    return true;
                },
                [] { return false; });
        }
        return call_user_code(
            [&] {
                std::unique_lock<std::mutex> lock(g->m);
                if (g->stopped) return false;
                if (!thread_.joinable()) thread_ = std::thread([this] { worker_loop(); });
                pending_ = std::function<void()>(std::move(wrapped));
                g->cv.notify_all();
                return true;
            },
            [] { return false; });
    }

    /// Stops: waits for the job running now (a fetch is bounded by its own timeouts), drops any job not yet
    /// started, and joins the owned thread. Idempotent. Must not be called from inside a job.
    void stop() noexcept {
        {
            std::unique_lock<std::mutex> lock(gate_->m);
            gate_->stopped = true;
            gate_->cv.notify_all();
            gate_->cv.wait(lock, [&] { return gate_->running == 0; });
        }
        if (thread_.joinable()) thread_.join();
    }

private:
    struct gate {
        std::mutex m;
        std::condition_variable cv;
        bool stopped = false;
        int running = 0;
    };

    void worker_loop() noexcept {
        for (;;) {
            std::function<void()> job;
            {
                std::unique_lock<std::mutex> lock(gate_->m);
                gate_->cv.wait(lock, [&] { return gate_->stopped || pending_; });
                if (gate_->stopped) return;
                job = std::move(pending_);
                pending_ = nullptr;
            }
            job();  // the wrapper: noexcept, checks the gate again
        }
    }

    executor executor_;
    std::shared_ptr<gate> gate_;
    std::function<void()> pending_;  // guarded by gate_->m
    std::thread thread_;
};

} // namespace jot::detail
