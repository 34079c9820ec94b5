//! Every route of the application: its method and path, whether it is a page or a JSON API route,
//! the handler that answers it, and who may call it at all. Nothing else declares a route:
//!
//! - `endpoint.rs` reads this table into the `Endpoint` enum (links are built from it, and errors are
//!   rendered as a page or as JSON by the row's kind);
//! - `router.rs` reads it into the router (pages and API alike) and the OpenAPI document;
//! - `gate.rs` refuses every request its row does not allow, and every route without a row.
//!
//! The rule here is the first gate; record-level rules (an agency officer writes only its own
//! agency's parts) are asked inside the use cases (`hanteam_app`). The authorization matrix test
//! walks this table. Handlers are named from the crate root.

/// Hands the table to `$then!`, one row per route: `Name => METHOD "path", Kind(handler), access;`.
macro_rules! route_table {
    ($then:ident) => {
        $then! {
            // Published views: pages
            PageHome => GET "/", Page(pages::read::home), Public;
            PageTasks => GET "/tasks", Page(pages::read::task_list), Public;
            PageTasksCsv => GET "/tasks/export.csv", Page(export::tasks_csv), Public;
            PageTasksXlsx => GET "/tasks/export.xlsx", Page(export::tasks_xlsx), Public;
            PageTask => GET "/tasks/{id}", Page(pages::read::task_detail), Public;
            PagePairs => GET "/pairs", Page(pages::read::pair_list), Public;
            PageAgencies => GET "/agencies", Page(pages::read::agency_list), Public;
            PageAgency => GET "/agencies/{id}", Page(pages::read::agency_detail), Public;
            PageMeetings => GET "/meetings", Page(pages::read::meeting_list), Public;
            PageMeeting => GET "/meetings/{id}", Page(pages::read::meeting_detail), Public;
            PageMeetingMinutes => GET "/meetings/{id}/minutes", Page(pages::council::minutes), Public;
            PagePrivacy => GET "/privacy", Page(pages::policy::privacy), Public;
            PageCopyright => GET "/copyright", Page(pages::policy::copyright), Public;
            PageAccessibility => GET "/accessibility", Page(pages::policy::accessibility), Public;
            StaticKrds => GET "/static/krds/{*path}", Page(assets::krds), Public;
            StaticOwn => GET "/static/{file}", Page(assets::own), Public;
            // Signing in and one's own account
            SignInForm => GET "/sign-in", Page(pages::account::sign_in_form), Public;
            SignIn => POST "/sign-in", Page(pages::account::sign_in), Public;
            SignOut => POST "/sign-out", Page(pages::account::sign_out), SignedIn;
            AccountPage => GET "/account", Page(pages::account::account_page), SignedIn;
            PasswordChange => POST "/account/password", Page(pages::account::change_password), SignedIn;
            TokenCreate => POST "/account/tokens", Page(pages::account::create_token), SignedIn;
            TokenRevoke => POST "/account/tokens/{id}/revoke", Page(pages::account::revoke_token), SignedIn;
            EmailChange => POST "/account/email", Page(pages::account::change_email), SignedIn;
            // One's own notifications (the bell)
            PageNotifications => GET "/notifications", Page(pages::notifications::list), SignedIn;
            NotificationReadAll => POST "/notifications/read-all", Page(pages::notifications::read_all), SignedIn;
            NotificationRead => POST "/notifications/{id}/read", Page(pages::notifications::read), SignedIn;
            // Audit
            AuditPage => GET "/audit", Page(pages::audit::audit_page), Right(Audit);
            // Task writes: forms
            TaskNewForm => GET "/tasks/new", Page(pages::edit::task_new_form), Right(Write);
            TaskCreate => POST "/tasks", Page(pages::edit::task_create), Right(Write);
            TaskEditForm => GET "/tasks/{id}/edit", Page(pages::edit::task_edit_form), Right(Write);
            TaskEdit => POST "/tasks/{id}/edit", Page(pages::edit::task_edit), Right(Write);
            TaskArchiveForm => GET "/tasks/{id}/archive", Page(pages::edit::task_archive_form), Right(Write);
            TaskArchive => POST "/tasks/{id}/archive", Page(pages::edit::task_archive), Right(Write);
            TaskMoveForm => GET "/tasks/{id}/transitions/{action}", Page(lifecycle::move_form), Right(Write);
            TaskMove => POST "/tasks/{id}/transitions", Page(lifecycle::move_task), Right(Write);
            RoleEditForm => GET "/tasks/{id}/roles/{agency_id}", Page(pages::edit::role_form), Right(Write);
            RoleEdit => POST "/tasks/{id}/roles/{agency_id}", Page(pages::edit::role_edit), Right(Write);
            KpiNewForm => GET "/tasks/{id}/kpis/new", Page(pages::parts::new_form::<Kpi>), Right(Write);
            KpiCreate => POST "/tasks/{id}/kpis", Page(pages::parts::create::<Kpi>), Right(Write);
            KpiEditForm => GET "/kpis/{id}/edit", Page(pages::parts::edit_form::<Kpi>), Right(Write);
            KpiEdit => POST "/kpis/{id}/edit", Page(pages::parts::edit::<Kpi>), Right(Write);
            KpiRemoveForm => GET "/kpis/{id}/remove", Page(pages::parts::remove_form::<Kpi>), Right(Write);
            KpiRemove => POST "/kpis/{id}/remove", Page(pages::parts::remove::<Kpi>), Right(Write);
            MilestoneNewForm => GET "/tasks/{id}/milestones/new", Page(pages::parts::new_form::<Milestone>), Right(Write);
            MilestoneCreate => POST "/tasks/{id}/milestones", Page(pages::parts::create::<Milestone>), Right(Write);
            MilestoneEditForm => GET "/milestones/{id}/edit", Page(pages::parts::edit_form::<Milestone>), Right(Write);
            MilestoneEdit => POST "/milestones/{id}/edit", Page(pages::parts::edit::<Milestone>), Right(Write);
            MilestoneRemoveForm => GET "/milestones/{id}/remove", Page(pages::parts::remove_form::<Milestone>), Right(Write);
            MilestoneRemove => POST "/milestones/{id}/remove", Page(pages::parts::remove::<Milestone>), Right(Write);
            ProcedureNewForm => GET "/tasks/{id}/procedures/new", Page(pages::parts::new_form::<Procedure>), Right(Write);
            ProcedureCreate => POST "/tasks/{id}/procedures", Page(pages::parts::create::<Procedure>), Right(Write);
            ProcedureEditForm => GET "/procedures/{id}/edit", Page(pages::parts::edit_form::<Procedure>), Right(Write);
            ProcedureEdit => POST "/procedures/{id}/edit", Page(pages::parts::edit::<Procedure>), Right(Write);
            ProcedureRemoveForm => GET "/procedures/{id}/remove", Page(pages::parts::remove_form::<Procedure>), Right(Write);
            ProcedureRemove => POST "/procedures/{id}/remove", Page(pages::parts::remove::<Procedure>), Right(Write);
            MemoCreate => POST "/tasks/{id}/memos", Page(pages::memos::create), Right(Write);
            // Proposals (과제 발굴): the list, the 과제 제안 form, a co-agency's answer
            PageProposals => GET "/proposals", Page(pages::proposals::proposal_list), Right(Read);
            ProposalNewForm => GET "/proposals/new", Page(pages::proposals::new_form), Right(Write);
            ProposalCreate => POST "/proposals", Page(pages::proposals::create), Right(Write);
            ProposalEditForm => GET "/proposals/{id}/edit", Page(pages::proposals::edit_form), Right(Write);
            ProposalEdit => POST "/proposals/{id}/edit", Page(pages::proposals::edit), Right(Write);
            ParticipationForm => GET "/tasks/{id}/participation/{agency_id}/{answer}", Page(pages::proposals::answer_form), Right(Write);
            ParticipationAnswer => POST "/tasks/{id}/participation", Page(pages::proposals::answer_post), Right(Write);
            MemoWithdrawForm => GET "/memos/{id}/withdraw", Page(pages::memos::withdraw_form), Right(Write);
            MemoWithdraw => POST "/memos/{id}/withdraw", Page(pages::memos::withdraw), Right(Write);
            // Follow-up actions, bottlenecks and mediation: forms
            PageBottlenecks => GET "/bottlenecks", Page(pages::mediation::bottleneck_list), SignedIn;
            PageBottleneck => GET "/bottlenecks/{id}", Page(pages::mediation::bottleneck_detail), SignedIn;
            BottleneckNewForm => GET "/tasks/{id}/bottlenecks/new", Page(pages::mediation::bottleneck_new_form), Right(Write);
            BottleneckCreate => POST "/tasks/{id}/bottlenecks", Page(pages::mediation::bottleneck_create), Right(Write);
            BottleneckPositionForm => GET "/bottlenecks/{id}/positions/{agency_id}", Page(pages::mediation::position_form), Right(Write);
            BottleneckPositionEdit => POST "/bottlenecks/{id}/positions/{agency_id}", Page(pages::mediation::position_edit), Right(Write);
            MediationOpenForm => GET "/bottlenecks/{id}/mediation", Page(pages::mediation::mediation_open_form), Right(Write);
            MediationOpen => POST "/bottlenecks/{id}/mediation", Page(pages::mediation::mediation_open), Right(Write);
            BottleneckResolveForm => GET "/bottlenecks/{id}/resolve", Page(pages::mediation::resolve_form), Right(Write);
            BottleneckResolve => POST "/bottlenecks/{id}/resolve", Page(pages::mediation::resolve), Right(Write);
            MediationMeetingForm => GET "/bottlenecks/{id}/meetings/new", Page(pages::mediation::meeting_form), Right(Write);
            MediationMeetingCreate => POST "/bottlenecks/{id}/meetings", Page(pages::mediation::meeting_create), Right(Write);
            MediationOutcomeForm => GET "/bottlenecks/{id}/outcome", Page(pages::mediation::outcome_form), Right(Write);
            MediationOutcome => POST "/bottlenecks/{id}/outcome", Page(pages::mediation::outcome), Right(Write);
            FollowUpDoneForm => GET "/follow-ups/{id}/done", Page(pages::mediation::follow_up_done_form), Right(Write);
            FollowUpDone => POST "/follow-ups/{id}/done", Page(pages::mediation::follow_up_done), Right(Write);
            // The review council: forms (OPC)
            PageMeetingNew => GET "/meetings/new", Page(pages::council::meeting_new_form), Right(Write);
            PageMeetingCreate => POST "/meetings", Page(pages::council::meeting_create), Right(Write);
            PageMeetingEditForm => GET "/meetings/{id}/edit", Page(pages::council::meeting_edit_form), Right(Write);
            PageMeetingEdit => POST "/meetings/{id}/edit", Page(pages::council::meeting_edit), Right(Write);
            PageMeetingCancelForm => GET "/meetings/{id}/cancel", Page(pages::council::meeting_cancel_form), Right(Write);
            PageMeetingCancel => POST "/meetings/{id}/cancel", Page(pages::council::meeting_cancel), Right(Write);
            PageAgendaForm => GET "/meetings/{id}/agenda", Page(pages::council::agenda_form), Right(Write);
            PageAgendaAdd => POST "/meetings/{id}/agenda", Page(pages::council::agenda_add), Right(Write);
            PageAgendaDecisionForm => GET "/agenda-items/{id}/decision", Page(pages::council::decision_form), Right(Write);
            PageAgendaDecide => POST "/agenda-items/{id}/decision", Page(pages::council::decide), Right(Write);
            // Periodic checks: pages
            PageCycles => GET "/checks", Page(pages::checks::cycle_list), Right(Read);
            PageCycleNew => GET "/checks/new", Page(pages::checks::cycle_new_form), Right(Write);
            PageCycleCreate => POST "/checks", Page(pages::checks::cycle_create), Right(Write);
            PageOverdue => GET "/checks/overdue", Page(pages::checks::overdue), Right(Read);
            PageCycle => GET "/checks/{id}", Page(pages::checks::cycle_detail), Right(Read);
            PageCycleCloseForm => GET "/checks/{id}/close", Page(pages::checks::cycle_close_form), Right(Write);
            PageCycleClose => POST "/checks/{id}/close", Page(pages::checks::cycle_close), Right(Write);
            PageReport => GET "/checks/{id}/reports/{task_id}/{agency_id}", Page(pages::checks::report_view), Right(Read);
            PageReportSave => POST "/checks/{id}/reports/{task_id}/{agency_id}", Page(pages::checks::report_save), Right(Write);
            PageReportReturn => POST "/checks/{id}/reports/{task_id}/{agency_id}/return", Page(pages::checks::report_return), Right(Write);
            PageAttachmentAdd => POST "/checks/{id}/reports/{task_id}/{agency_id}/attachments", Page(pages::checks::attachment_add), Right(Write);
            PageAttachment => GET "/checks/{id}/reports/{task_id}/{agency_id}/attachments/{file_id}", Page(pages::checks::attachment_download), Right(Read);
            PageAttachmentRemoveForm => GET "/checks/{id}/reports/{task_id}/{agency_id}/attachments/{file_id}/remove", Page(pages::checks::attachment_remove_form), Right(Write);
            PageAttachmentRemove => POST "/checks/{id}/reports/{task_id}/{agency_id}/attachments/{file_id}/remove", Page(pages::checks::attachment_remove), Right(Write);
            PageRating => GET "/checks/{id}/ratings/{task_id}", Page(pages::checks::rating_form), Right(Write);
            PageRatingSave => POST "/checks/{id}/ratings/{task_id}", Page(pages::checks::rating_save), Right(Write);
            // Pay tables, the special performance bonus and exchangees' ratings: pages
            PagePayTables => GET "/pay-tables", Page(pages::pay::table_list), Right(Read);
            PagePayTableNew => GET "/pay-tables/new", Page(pages::pay::new_form), Right(Write);
            PagePayTableCreate => POST "/pay-tables", Page(pages::pay::create), Right(Write);
            PagePayTable => GET "/pay-tables/{year}", Page(pages::pay::table_detail), Right(Read);
            PagePayBandForm => GET "/pay-tables/{year}/bands/{band}", Page(pages::pay::band_form), Right(Write);
            PagePayBandEdit => POST "/pay-tables/{year}/bands/{band}", Page(pages::pay::band_edit), Right(Write);
            PagePayBonuses => GET "/pay-tables/{year}/bonuses", Page(pages::pay::bonus_list), Right(Read);
            PageBonusStatement => GET "/exchangees/{id}/bonus-statement", Page(pages::pay::statement), Right(Read);
            PageExchangeePayBandForm => GET "/exchangees/{id}/pay-band", Page(pages::pay::band_choice_form), Right(Write);
            PageExchangeePayBandEdit => POST "/exchangees/{id}/pay-band", Page(pages::pay::band_choice_edit), Right(Write);
            PageExchangeeRatingForm => GET "/exchangees/{id}/ratings/{year}", Page(pages::pay::rating_form), Right(Write);
            PageExchangeeRatingEdit => POST "/exchangees/{id}/ratings/{year}", Page(pages::pay::rating_edit), Right(Write);
            // Evaluation rounds: OPC's pages (the rule is asked again in the use cases), the evaluator's
            // pledge, its own tasks and 회피
            PageEvalRounds => GET "/evaluation-rounds", Page(pages::evaluation::round_list), Public;
            PageEvalRoundNew => GET "/evaluation-rounds/new", Page(pages::evaluation::new_form), Right(Write);
            PageEvalRoundCreate => POST "/evaluation-rounds", Page(pages::evaluation::create), Right(Write);
            PageEvalRound => GET "/evaluation-rounds/{id}", Page(pages::evaluation::round_detail), Public;
            PageEvalRoundEditForm => GET "/evaluation-rounds/{id}/edit", Page(pages::evaluation::edit_form), Right(Write);
            PageEvalRoundEdit => POST "/evaluation-rounds/{id}/edit", Page(pages::evaluation::edit), Right(Write);
            PageEvalStageForm => GET "/evaluation-rounds/{id}/stage/{to}", Page(pages::evaluation::stage_form), Right(Write);
            PageEvalStage => POST "/evaluation-rounds/{id}/stage/{to}", Page(pages::evaluation::stage_move), Right(Write);
            PageEvalAssignmentForm => GET "/evaluation-rounds/{id}/assignment", Page(pages::evaluation::assignment_form), Right(Write);
            PageEvalAssignment => POST "/evaluation-rounds/{id}/assignment", Page(pages::evaluation::assignment_run), Right(Write);
            PageEvalDecisionForm => GET "/evaluation-rounds/{id}/conflicts/{cid}/decision", Page(pages::evaluation::decision_form), Right(Write);
            PageEvalDecide => POST "/evaluation-rounds/{id}/conflicts/{cid}/decision", Page(pages::evaluation::decide), Right(Write);
            PageEvalMyTasks => GET "/evaluation-rounds/{id}/my-tasks", Page(pages::evaluation::my_tasks), SignedIn;
            PageEvalPledge => POST "/evaluation-rounds/{id}/pledge", Page(pages::evaluation::sign_pledge), SignedIn;
            PageEvalRecusalForm => GET "/evaluation-rounds/{id}/my-tasks/{task_id}/recusal", Page(pages::evaluation::recusal_form), SignedIn;
            PageEvalRecusal => POST "/evaluation-rounds/{id}/my-tasks/{task_id}/recusal", Page(pages::evaluation::recusal), SignedIn;
            // The evaluator's scoring page (the use cases ask the seat and the pledge), and OPC's
            // reopening of a submitted sheet
            PageEvalScoreForm => GET "/evaluation-rounds/{id}/my-tasks/{task_id}/score", Page(pages::evaluation_scoring::score_form), SignedIn;
            PageEvalScoreSave => POST "/evaluation-rounds/{id}/my-tasks/{task_id}/score", Page(pages::evaluation_scoring::save), SignedIn;
            PageEvalScoreSubmitForm => GET "/evaluation-rounds/{id}/my-tasks/{task_id}/score/submit", Page(pages::evaluation_scoring::submit_form), SignedIn;
            PageEvalScoreSubmit => POST "/evaluation-rounds/{id}/my-tasks/{task_id}/score/submit", Page(pages::evaluation_scoring::submit), SignedIn;
            PageEvalReopenForm => GET "/evaluation-rounds/{id}/tasks/{task_id}/reopen", Page(pages::evaluation_scoring::reopen_form), Right(Write);
            PageEvalReopen => POST "/evaluation-rounds/{id}/tasks/{task_id}/reopen", Page(pages::evaluation_scoring::reopen), Right(Write);
            // After scoring: the public result once published (the use case says 404 before), the
            // agency officer's objection and OPC's decision on it.
            PageEvalResults => GET "/evaluation-rounds/{id}/results", Page(pages::evaluation::results), Public;
            PageEvalResultsXlsx => GET "/evaluation-rounds/{id}/results.xlsx", Page(export::round_results_xlsx), Public;
            PageEvalWhatIf => GET "/evaluation-rounds/{id}/what-if", Page(pages::evaluation_what_if::page), Right(Read);
            PageEvalObjectionForm => GET "/evaluation-rounds/{id}/objections/new", Page(pages::evaluation::objection_form), Right(Write);
            PageEvalObjectionFile => POST "/evaluation-rounds/{id}/objections", Page(pages::evaluation::file_objection), Right(Write);
            PageEvalObjectionDecisionForm => GET "/evaluation-rounds/{id}/objections/{oid}/decision", Page(pages::evaluation::objection_decision_form), Right(Write);
            PageEvalObjectionDecide => POST "/evaluation-rounds/{id}/objections/{oid}/decision", Page(pages::evaluation::decide_objection), Right(Write);
            // Prize money: the split (the use case says who reads which lines), OPC's forms for the
            // pool and the cap and for one excellent task's shares.
            PageEvalPrizes => GET "/evaluation-rounds/{id}/prizes", Page(pages::evaluation_prizes::prize_page), SignedIn;
            PageEvalPrizeSettingsForm => GET "/evaluation-rounds/{id}/prizes/settings", Page(pages::evaluation_prizes::settings_form), Right(Write);
            PageEvalPrizeSettings => POST "/evaluation-rounds/{id}/prizes/settings", Page(pages::evaluation_prizes::settings_save), Right(Write);
            PageEvalPrizeShares => GET "/evaluation-rounds/{id}/prizes/tasks/{task_id}", Page(pages::evaluation_prizes::shares_form), Right(Write);
            PageEvalPrizeSharesSave => POST "/evaluation-rounds/{id}/prizes/tasks/{task_id}", Page(pages::evaluation_prizes::shares_save), Right(Write);
            PageEvalPersonStatement => GET "/evaluation-rounds/{id}/statements/person", Page(pages::evaluation_prizes::person_statement), SignedIn;
            PageEvalAgencyStatement => GET "/evaluation-rounds/{id}/statements/agencies/{agency_id}", Page(pages::evaluation_prizes::agency_statement), SignedIn;
            // Registry writes: forms
            AgencyEditForm => GET "/agencies/{id}/edit", Page(pages::edit::agency_form), Right(Admin);
            AgencyEdit => POST "/agencies/{id}/edit", Page(pages::edit::agency_edit), Right(Admin);
            PositionEditForm => GET "/positions/{id}/edit", Page(pages::edit::position_form), Right(Admin);
            PositionEdit => POST "/positions/{id}/edit", Page(pages::edit::position_edit), Right(Admin);
            PairEditForm => GET "/pairs/{id}/edit", Page(pages::edit::pair_form), Right(Admin);
            PairEdit => POST "/pairs/{id}/edit", Page(pages::edit::pair_edit), Right(Admin);
            ExchangeeEditForm => GET "/exchangees/{id}/edit", Page(pages::edit::exchangee_form), Right(Admin);
            ExchangeeEdit => POST "/exchangees/{id}/edit", Page(pages::edit::exchangee_edit), Right(Admin);
            // Accounts: administration (OPC)
            UsersPage => GET "/users", Page(pages::users::user_list), Right(Admin);
            UserNewForm => GET "/users/new", Page(pages::users::new_form), Right(Admin);
            UserCreate => POST "/users", Page(pages::users::create), Right(Admin);
            UserDisableForm => GET "/users/{id}/disable", Page(pages::users::disable_form), Right(Admin);
            UserDisable => POST "/users/{id}/disable", Page(pages::users::disable), Right(Admin);
            UserResetForm => GET "/users/{id}/reset-password", Page(pages::users::reset_form), Right(Admin);
            UserReset => POST "/users/{id}/reset-password", Page(pages::users::reset), Right(Admin);
            // JSON API
            Healthz => GET "/healthz", Api(api::healthz), Public;
            Readyz => GET "/readyz", Api(api::readyz), Public;
            // Its own rule: a configured address or token (metrics.rs).
            Metrics => GET "/metrics", Api(metrics::metrics), Public;
            ApiOpenApi => GET "/api/v1/openapi.json", Api(router::openapi_json), Public;
            ApiOverview => GET "/api/v1/overview", Api(api::overview), Public;
            ApiAgencies => GET "/api/v1/agencies", Api(api::list_agencies), Public;
            ApiAgency => GET "/api/v1/agencies/{id}", Api(api::get_agency), Public;
            ApiAgencyUpdate => PUT "/api/v1/agencies/{id}", Api(api::update_agency), Right(Admin);
            ApiPairs => GET "/api/v1/exchange-pairs", Api(api::list_exchange_pairs), Public;
            ApiPairUpdate => PUT "/api/v1/exchange-pairs/{id}", Api(api::update_pair), Right(Admin);
            ApiPositionUpdate => PUT "/api/v1/positions/{id}", Api(api::update_position), Right(Admin);
            ApiExchangeeUpdate => PUT "/api/v1/exchangees/{id}", Api(api::update_exchangee), Right(Admin);
            ApiTasks => GET "/api/v1/tasks", Api(api::list_tasks), Public;
            ApiTasksCsv => GET "/api/v1/tasks/export.csv", Api(api::export_tasks_csv), Public;
            ApiTasksXlsx => GET "/api/v1/tasks/export.xlsx", Api(api::export_tasks_xlsx), Public;
            ApiTaskCreate => POST "/api/v1/tasks", Api(api::create_task), Right(Write);
            ApiTask => GET "/api/v1/tasks/{id}", Api(api::get_task), Public;
            ApiTaskUpdate => PUT "/api/v1/tasks/{id}", Api(api::update_task), Right(Write);
            ApiTaskArchive => POST "/api/v1/tasks/{id}/archive", Api(api::archive_task), Right(Write);
            ApiTaskTransition => POST "/api/v1/tasks/{id}/transitions", Api(lifecycle::api_transition), Right(Write);
            ApiTaskHistory => GET "/api/v1/tasks/{id}/history", Api(lifecycle::api_history), Public;
            ApiRoleUpdate => PUT "/api/v1/tasks/{id}/agencies/{agency_id}", Api(api::update_role), Right(Write);
            ApiKpiCreate => POST "/api/v1/tasks/{id}/kpis", Api(api::create_kpi), Right(Write);
            ApiKpiUpdate => PUT "/api/v1/kpis/{id}", Api(api::update_kpi), Right(Write);
            ApiKpiRemove => DELETE "/api/v1/kpis/{id}", Api(api::remove_kpi), Right(Write);
            ApiMilestoneCreate => POST "/api/v1/tasks/{id}/milestones", Api(api::create_milestone), Right(Write);
            ApiMilestoneUpdate => PUT "/api/v1/milestones/{id}", Api(api::update_milestone), Right(Write);
            ApiMilestoneRemove => DELETE "/api/v1/milestones/{id}", Api(api::remove_milestone), Right(Write);
            ApiProcedures => GET "/api/v1/tasks/{id}/procedures", Api(api::list_procedures), Public;
            ApiProcedureCreate => POST "/api/v1/tasks/{id}/procedures", Api(api::create_procedure), Right(Write);
            ApiProcedureUpdate => PUT "/api/v1/tasks/{id}/procedures/{pid}", Api(api::update_procedure), Right(Write);
            ApiProcedureRemove => DELETE "/api/v1/tasks/{id}/procedures/{pid}", Api(api::remove_procedure), Right(Write);
            ApiMemos => GET "/api/v1/tasks/{id}/memos", Api(api::list_memos), Right(Read);
            ApiMemoCreate => POST "/api/v1/tasks/{id}/memos", Api(api::create_memo), Right(Write);
            ApiMemoWithdraw => POST "/api/v1/tasks/{id}/memos/{mid}/withdraw", Api(api::withdraw_memo), Right(Write);
            ApiProposals => GET "/api/v1/proposals", Api(api_proposals::list), Right(Read);
            ApiProposalCreate => POST "/api/v1/proposals", Api(api_proposals::propose), Right(Write);
            ApiProposalUpdate => PUT "/api/v1/proposals/{id}", Api(api_proposals::update), Right(Write);
            ApiParticipation => POST "/api/v1/tasks/{id}/participation", Api(api_proposals::answer), Right(Write);
            ApiMeetings => GET "/api/v1/meetings", Api(api::list_meetings), Public;
            ApiMeeting => GET "/api/v1/meetings/{id}", Api(api::get_meeting), Public;
            ApiMeetingCreate => POST "/api/v1/meetings", Api(api_council::schedule), Right(Write);
            ApiMeetingUpdate => PUT "/api/v1/meetings/{id}", Api(api_council::update), Right(Write);
            ApiMeetingCancel => POST "/api/v1/meetings/{id}/cancel", Api(api_council::cancel), Right(Write);
            ApiAgendaItemCreate => POST "/api/v1/meetings/{id}/agenda-items", Api(api_council::add_item), Right(Write);
            ApiAgendaDecide => POST "/api/v1/agenda-items/{id}/decision", Api(api_council::decide), Right(Write);
            ApiAgendaBacklog => GET "/api/v1/agenda-backlog", Api(api_council::backlog), Right(Write);
            ApiMe => GET "/api/v1/me", Api(api::me), SignedIn;
            ApiTokens => GET "/api/v1/tokens", Api(api::list_tokens), SignedIn;
            ApiTokenCreate => POST "/api/v1/tokens", Api(api::create_token), SignedIn;
            ApiTokenRevoke => DELETE "/api/v1/tokens/{id}", Api(api::revoke_token), SignedIn;
            ApiNotifications => GET "/api/v1/notifications", Api(api::list_notifications), SignedIn;
            ApiNotificationReadAll => POST "/api/v1/notifications/read-all", Api(api::read_all_notifications), SignedIn;
            ApiNotificationRead => POST "/api/v1/notifications/{id}/read", Api(api::read_notification), SignedIn;
            ApiUsers => GET "/api/v1/users", Api(api::list_users), Right(Admin);
            ApiUserCreate => POST "/api/v1/users", Api(api::create_user), Right(Admin);
            ApiUserDisable => POST "/api/v1/users/{id}/disable", Api(api::disable_user), Right(Admin);
            ApiUserReset => POST "/api/v1/users/{id}/reset-password", Api(api::reset_password), Right(Admin);
            ApiAudit => GET "/api/v1/audit", Api(api::audit_log), Right(Audit);
            ApiBottleneckCreate => POST "/api/v1/tasks/{id}/bottlenecks", Api(api_mediation::raise_bottleneck), Right(Write);
            ApiBottlenecks => GET "/api/v1/bottlenecks", Api(api_mediation::list_bottlenecks), SignedIn;
            ApiBottleneck => GET "/api/v1/bottlenecks/{id}", Api(api_mediation::get_bottleneck), SignedIn;
            ApiBottleneckPosition => PUT "/api/v1/bottlenecks/{id}/positions/{agency_id}", Api(api_mediation::state_position), Right(Write);
            ApiMediationOpen => POST "/api/v1/bottlenecks/{id}/mediation", Api(api_mediation::open_mediation), Right(Write);
            ApiBottleneckResolve => POST "/api/v1/bottlenecks/{id}/resolve", Api(api_mediation::resolve_bottleneck), Right(Write);
            ApiMediationMeetingCreate => POST "/api/v1/bottlenecks/{id}/meetings", Api(api_mediation::schedule_meeting), Right(Write);
            ApiMediationOutcome => POST "/api/v1/bottlenecks/{id}/outcome", Api(api_mediation::record_outcome), Right(Write);
            ApiFollowUps => GET "/api/v1/follow-ups", Api(api_mediation::my_follow_ups), SignedIn;
            ApiFollowUp => GET "/api/v1/follow-ups/{id}", Api(api_mediation::get_follow_up), SignedIn;
            ApiFollowUpDone => POST "/api/v1/follow-ups/{id}/done", Api(api_mediation::follow_up_done), Right(Write);
            // Periodic checks
            ApiCycles => GET "/api/v1/check-cycles", Api(api_checks::list_cycles), Right(Read);
            ApiCycleCreate => POST "/api/v1/check-cycles", Api(api_checks::create_cycle), Right(Write);
            ApiCycle => GET "/api/v1/check-cycles/{id}", Api(api_checks::get_cycle), Right(Read);
            ApiCycleClose => POST "/api/v1/check-cycles/{id}/close", Api(api_checks::close_cycle), Right(Write);
            ApiReport => GET "/api/v1/check-cycles/{id}/reports/{task_id}/{agency_id}", Api(api_checks::get_report), Right(Read);
            ApiReportSave => PUT "/api/v1/check-cycles/{id}/reports/{task_id}/{agency_id}", Api(api_checks::save_report), Right(Write);
            ApiReportSubmit => POST "/api/v1/check-cycles/{id}/reports/{task_id}/{agency_id}/submit", Api(api_checks::submit_report), Right(Write);
            ApiReportReturn => POST "/api/v1/check-cycles/{id}/reports/{task_id}/{agency_id}/return", Api(api_checks::return_report), Right(Write);
            ApiAttachmentAdd => POST "/api/v1/check-cycles/{id}/reports/{task_id}/{agency_id}/attachments", Api(api_checks::add_attachment), Right(Write);
            ApiAttachment => GET "/api/v1/check-cycles/{id}/reports/{task_id}/{agency_id}/attachments/{file_id}", Api(api_checks::get_attachment), Right(Read);
            ApiAttachmentRemove => DELETE "/api/v1/check-cycles/{id}/reports/{task_id}/{agency_id}/attachments/{file_id}", Api(api_checks::remove_attachment), Right(Write);
            ApiRating => PUT "/api/v1/check-cycles/{id}/ratings/{task_id}", Api(api_checks::rate), Right(Write);
            ApiOverdue => GET "/api/v1/overdue-reports", Api(api_checks::overdue), Right(Read);
            // Pay tables, the special performance bonus and exchangees' ratings
            ApiPayTables => GET "/api/v1/pay-tables", Api(api_pay::list_tables), Right(Read);
            ApiPayTableCreate => POST "/api/v1/pay-tables", Api(api_pay::create_table), Right(Write);
            ApiPayTable => GET "/api/v1/pay-tables/{year}", Api(api_pay::get_table), Right(Read);
            ApiPayBandUpdate => PUT "/api/v1/pay-tables/{year}/bands/{band}", Api(api_pay::update_band), Right(Write);
            ApiPayBonuses => GET "/api/v1/pay-tables/{year}/bonuses", Api(api_pay::bonuses), Right(Read);
            ApiExchangeePayBand => PUT "/api/v1/exchangees/{id}/pay-band", Api(api_pay::choose_band), Right(Write);
            ApiExchangeeRating => PUT "/api/v1/exchangees/{id}/ratings/{year}", Api(api_pay::set_rating), Right(Write);
            // Evaluation rounds and panels
            ApiEvalRounds => GET "/api/v1/evaluation-rounds", Api(api_evaluation::list_rounds), Public;
            ApiEvalRoundCreate => POST "/api/v1/evaluation-rounds", Api(api_evaluation::create_round), Right(Write);
            ApiEvalRound => GET "/api/v1/evaluation-rounds/{id}", Api(api_evaluation::get_round), Public;
            ApiEvalRoundUpdate => PUT "/api/v1/evaluation-rounds/{id}", Api(api_evaluation::update_round), Right(Write);
            ApiEvalRoundStage => POST "/api/v1/evaluation-rounds/{id}/stage", Api(api_evaluation::move_stage), Right(Write);
            ApiEvalPanels => GET "/api/v1/evaluation-rounds/{id}/panels", Api(api_evaluation::panels), SignedIn;
            ApiEvalAssignment => POST "/api/v1/evaluation-rounds/{id}/assignment", Api(api_evaluation::run_assignment), Right(Write);
            ApiEvalPledge => POST "/api/v1/evaluation-rounds/{id}/pledge", Api(api_evaluation::sign_pledge), SignedIn;
            ApiEvalMyTasks => GET "/api/v1/evaluation-rounds/{id}/my-tasks", Api(api_evaluation::my_tasks), SignedIn;
            ApiEvalConflict => POST "/api/v1/evaluation-rounds/{id}/conflicts", Api(api_evaluation::declare_conflict), SignedIn;
            ApiEvalConflictDecide => POST "/api/v1/evaluation-conflicts/{id}/decision", Api(api_evaluation::decide_conflict), Right(Write);
            ApiEvalBonuses => GET "/api/v1/evaluation-rounds/{id}/bonuses", Api(api_pay::round_bonuses), Right(Read);
            // Scoring: an evaluator's own sheet (evaluators hold only the read right, so the gate asks
            // for a signed-in person and the use cases for the seat); OPC reopens; the results.
            ApiEvalSheet => GET "/api/v1/evaluation-rounds/{id}/tasks/{task_id}/score", Api(api_scoring::get_sheet), SignedIn;
            ApiEvalSheetSave => PUT "/api/v1/evaluation-rounds/{id}/tasks/{task_id}/score", Api(api_scoring::save_sheet), SignedIn;
            ApiEvalSheetSubmit => POST "/api/v1/evaluation-rounds/{id}/tasks/{task_id}/score/submit", Api(api_scoring::submit_sheet), SignedIn;
            ApiEvalSheetReopen => POST "/api/v1/evaluation-rounds/{id}/tasks/{task_id}/score/reopen", Api(api_scoring::reopen_sheet), Right(Write);
            ApiEvalResults => GET "/api/v1/evaluation-rounds/{id}/results", Api(api_scoring::results), Public;
            ApiEvalWhatIf => POST "/api/v1/evaluation-rounds/{id}/what-if", Api(api_what_if::what_if), Right(Read);
            // After scoring: objections and OPC's answers, the published result, a task's evaluators
            // once published, the prizes and their pool (record-level rules in the use cases).
            ApiEvalObjectionFile => POST "/api/v1/evaluation-rounds/{id}/objections", Api(api_objections::file_objection), Right(Write);
            ApiEvalObjections => GET "/api/v1/evaluation-rounds/{id}/objections", Api(api_objections::list_objections), SignedIn;
            ApiEvalObjectionDecide => POST "/api/v1/evaluation-objections/{id}/decision", Api(api_objections::decide_objection), Right(Write);
            ApiEvalPublication => GET "/api/v1/evaluation-rounds/{id}/publication", Api(api_objections::publication), Public;
            ApiEvalTaskEvaluators => GET "/api/v1/evaluation-rounds/{id}/tasks/{task_id}/evaluators", Api(api_objections::task_evaluators), SignedIn;
            ApiEvalPrizes => GET "/api/v1/evaluation-rounds/{id}/prizes", Api(api_objections::prizes), SignedIn;
            ApiEvalPrizePool => PUT "/api/v1/evaluation-rounds/{id}/prizes", Api(api_objections::set_prize_pool), Right(Write);
            ApiEvalPersonStatement => GET "/api/v1/evaluation-rounds/{id}/statements/person", Api(api_objections::person_statement), SignedIn;
            ApiEvalAgencyStatement => GET "/api/v1/evaluation-rounds/{id}/statements/agencies/{agency_id}", Api(api_objections::agency_statement), SignedIn;
        }
    };
}
pub(crate) use route_table;
