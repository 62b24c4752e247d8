//! One test binary (faster to link than many): handler tests with in-memory fakes, and
//! integration tests through the real SDK clients against DynamoDB Local and the SES emulator.

mod fixtures;
mod helpers;

mod architecture;
mod bookings;
mod concurrent_emails;
mod contract;
mod customer_page;
mod email_reports;
mod form_data;
mod golden;
mod handler_events;
mod handler_limits;
mod handler_rules;
mod hostile;
mod invitations;
mod local_bookings;
mod local_breaker;
mod local_dynamodb;
mod local_human_check;
mod local_limits;
mod local_queues;
mod local_retry;
mod local_services_down;
mod local_ses;
mod local_warm_up;
mod openapi_agreement;
mod operator_events;
mod sign_in;
mod template_agreement;
