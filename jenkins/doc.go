// Package jenkins is a client for Jenkins' JSON REST API, written on
// net/http (CUP's cup.jenkinslib, Python 2 only and removed from newer
// CUP releases).
//
// A [Client] (from [New] or [FromEnv]) reads jobs, including jobs in
// folders ("team/app"), builds, the queue, nodes, labels and promotions,
// creates, configures, renames and deletes jobs, and starts builds:
// [Job.Invoke] returns the [QueueItem], whose [QueueItem.WaitUntilBuilding]
// and [QueueItem.WaitUntilComplete] wait under ctx for the [Build]. CSRF
// crumbs are fetched once and sent with the session cookie they are bound
// to; every request has a timeout; console logs and artifacts stream.
//
// # CUP names
//
//	Jenkins(url, username, password, static)   New(url, WithBasicAuth(user, token), WithStatic())
//	get_jenkins_obj_by_url, current_jenkins     New, FromEnv
//	current_job, current_build                  CurrentJob, CurrentBuild
//	is_accessible                               IsAccessible (true only on 2xx)
//	jenkins.jobs / jenkins[name] / has_job      Client.Jobs, Client.JobNames, Client.Job, Client.HasJob
//	create_job / rename_job / delete_job        Client.CreateJob, Client.RenameJob, Client.DeleteJob
//	nodes / get_node / get_label                Client.NodeNames, Client.Node, Client.Label
//	Job.invoke / build                          Job.Invoke(ctx, params, WithCause(...), WithFiles(...))
//	Job.get_build / job[n] / builds             Job.Build, Job.BuildByRef, Job.Builds (allBuilds: past 100)
//	Job.config_text                             Job.ConfigXML, Job.SetConfigXML
//	Job.enable / disable / is_enabled           Job.Enable, Job.Disable, Job.IsEnabled
//	QueueItem.block_until_building/complete     QueueItem.WaitUntilBuilding, QueueItem.WaitUntilComplete
//	Build.block_until_complete / stop / console Build.WaitUntilComplete, Build.Stop, Build.Console
//	Build.description = s                       Build.SetDescription
//	Build.artifacts                             Build.Artifacts, Build.DownloadArtifact (HTTP; CUP had none)
//	Build.ftp_artifacts, enable_ftp             Build.FTPArtifacts, WithFTP, FTPArtifacts.Open, FTPNode.Download
//	Promotions / Promotion / PromotionBuild     Job.Promotions, Job.Promotion, Promotion.Build
//	exception classes                           the Err* sentinels and *RequestError
//
// # Errors
//
// HTTP failures are *[RequestError] with the URL, method and status; with
// errors.Is a 404 matches [ErrNotFound], 401 [ErrUnauthorized], 403
// [ErrForbidden], 5xx [ErrServer]. Lookups wrap the specific kind
// ([ErrUnknownJob], [ErrUnknownNode], [ErrDeletedBuild], ...), which
// matches its CUP parents. Waits ended by a ctx deadline match [ErrTimeout]
// and context.DeadlineExceeded.
//
// Artifacts download over HTTP ([Build.DownloadArtifact],
// [Build.DownloadAllArtifacts]) or, as CUP did, from an FTP server
// ([WithFTP], [Build.FTPArtifacts]) over a single connection with a
// minimal built-in FTP client (no FTP module is available to this project).
package jenkins
