Feature: Self-enrollment with an authenticator app
  Where MFA is available to a practice, any user may protect their own account
  with an authenticator app, even when the practice does not require it:
  Security, then Authenticator, then the MFA Configuration page, where the user
  chooses an app, scans the QR code, enters the app's one-time code, names the
  device and saves.

  Background:
    Given Riverside Clinic is a practice where MFA is available
    And Erin is a user of Riverside Clinic

  Rule: A user reaches the MFA Configuration page from their profile

    @ENR-01 @ENR-02 @ENR-03 @documented
    Example: Erin opens the MFA Configuration page though her practice does not require MFA
      Given Erin has signed in
      When Erin opens the authenticator setup from her profile's security settings
      Then she is asked to choose one of the suggested authenticator apps
      And she is shown a QR code to scan with it

  Rule: The app's one-time code and a device name complete the setup

    @ENR-03 @ENR-04 @documented
    Example: Erin sets up MFA on her phone
      Given Erin has signed in
      And Erin has opened the authenticator setup
      When Erin scans the QR code with her phone
      And she saves the device as "Erin's phone" with the code her phone shows
      Then Erin's own MFA status shows the device "Erin's phone"
      And Erin is asked for a code from her authenticator the next time she signs in

    @ENR-10 @inferred
    Example: A wrong code does not complete the setup
      Given Erin has signed in
      And Erin has opened the authenticator setup
      When Erin scans the QR code with her phone
      And she saves the device as "Erin's phone" with a code that is not her phone's
      Then the code is refused
      And Erin's own MFA status shows no device
      And Erin signs in without being asked for a code

    @ENR-10 @inferred
    Example: An expired code does not complete the setup
      Given a new time step has just begun
      And Erin has signed in
      And Erin has opened the authenticator setup
      When Erin scans the QR code with her phone
      And Erin notes the code her phone shows
      And 61 seconds pass
      And she saves the device as "Erin's phone" with the noted code
      Then the code is refused
      And Erin's own MFA status shows no device

    @ENR-04 @SGN-05 @documented @inferred
    Example: The code that confirmed the setup does not also sign in
      Given Erin has signed in
      And Erin has opened the authenticator setup
      And Erin scans the QR code with her phone
      And she saves the device as "Erin's phone" with the code her phone shows
      When Erin signs out
      And Erin signs in with her password
      And Erin enters the code she last used
      Then the code is refused

    @ENR-11 @inferred
    Example: The device must be named
      Given Erin has signed in
      And Erin has opened the authenticator setup
      When Erin scans the QR code with her phone
      And she saves the device with no name and the code her phone shows
      Then she is told that the device needs a name
      And Erin's own MFA status shows no device

  Rule: Any TOTP-compatible authenticator app works

    @ENR-05 @SGN-02 @documented @inferred
    Scenario Outline: Erin sets up MFA with <app>
      Given Erin has signed in
      When Erin chooses <app> on the MFA Configuration page
      And Erin scans the QR code with her phone
      Then the QR code holds a TOTP key that every authenticator app accepts
      When she saves the device as "Erin's phone" with the code her phone shows
      Then Erin's own MFA status shows the device "Erin's phone"

      Examples:
        | app                          |
        | the first suggested app      |
        | the last suggested app       |
        | another TOTP-compatible app  |

  Rule: Self-enrollment exists only where MFA is available

    @ENR-12 @inferred
    Example: A practice without MFA offers no authenticator setup
      Given Hillside Practice is a practice where MFA is not available
      And Gail is a user of Hillside Practice
      And Gail has signed in
      When Gail opens the authenticator setup from her profile's security settings
      Then she is told that MFA is not available to her practice

  Rule: One device per user, or several where the system declares so

    @ENR-20 @interpreted @position:devices_per_user=one
    Example: An enrolled user is not offered a second device
      Given Erin has set up MFA with her phone
      And Erin has signed in
      When Erin opens the authenticator setup from her profile's security settings
      Then she is told that she already has an MFA device
      And Erin's own MFA status shows the device "Erin's phone"

    @ENR-20 @interpreted @position:devices_per_user=several
    Example: An enrolled user adds a second device and signs in with either
      Given Erin has set up MFA with her phone
      And Erin has signed in
      When Erin opens the authenticator setup from her profile's security settings
      And Erin scans the QR code with her tablet
      And she saves the device as "Erin's tablet" with the code her tablet shows
      And Erin signs out
      And Erin signs in with her password
      And Erin enters the code her tablet shows
      Then Erin is signed in
      When Erin signs out
      And Erin signs in with her password
      And Erin enters the code her phone shows
      Then Erin is signed in
