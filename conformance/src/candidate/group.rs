//! The candidate's process group. The candidate is started as the leader of a new group;
//! whatever it starts joins that group unless it leaves on purpose, so that ending the group
//! ends every process the candidate left behind (a forked child holding the answer pipe open,
//! a helper it never waited for), not only the candidate.

use std::process::{Child, Command};

/// Put the process that `command` starts at the head of a new process group.
pub(crate) fn lead_new_group(command: &mut Command) {
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        command.process_group(0);
    }
    #[cfg(not(unix))]
    let _ = command;
}

/// Send SIGKILL to every process of the group that `leader` leads.
///
/// Call it before the leader is reaped where possible: once the leader is reaped and the group
/// is empty, its id may be given to a new process. A group that is already empty (`ESRCH`) is
/// not an error.
pub(crate) fn kill_group(leader: &Child) {
    #[cfg(unix)]
    {
        use rustix::process::{kill_process_group, Pid, Signal};
        let Some(pid) = i32::try_from(leader.id()).ok().and_then(Pid::from_raw) else {
            debug_assert!(false, "a child's id is a positive i32: {}", leader.id());
            return;
        };
        // ESRCH (the group is empty) is the expected outcome once everything has exited;
        // EPERM cannot happen for our own child's group.
        let _ = kill_process_group(pid, Signal::KILL);
    }
    #[cfg(not(unix))]
    let _ = leader;
}
